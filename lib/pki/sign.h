// Issuing certificates in-process: self-signed roots (tests, local mode), org intermediates
// with critical basicConstraints and nameConstraints, and leaves.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lib/pki/certificate.h"
#include "lib/pki/csr.h"
#include "lib/pki/key.h"

namespace sarga::pki {

struct Validity {
  std::chrono::seconds ttl{365 * 24 * 3600};
  std::optional<TimePoint> not_after;      // wins over ttl when set
  std::chrono::seconds backdate{30};       // not_before = now - backdate (clock skew)
  std::optional<TimePoint> now;            // injectable clock for tests
};
inline Validity valid_for(std::chrono::seconds ttl) {
  Validity v;
  v.ttl = ttl;
  return v;
}

struct RootSpec {
  std::string common_name;
  std::string organization;
  Validity validity = valid_for(std::chrono::hours(10 * 365 * 24));
  std::optional<int> path_len;             // nullopt: no pathLenConstraint
};

struct IntermediateSpec {
  std::string common_name;                 // required
  std::string organization;                // optional O=
  std::chrono::seconds ttl{5 * 365 * 24 * 3600};
  std::optional<int> path_len;             // nullopt: absent (unlimited); 0 is encoded as pathlen:0
  std::vector<std::string> permitted_dns;  // empty and excluded_dns empty: no nameConstraints
  std::vector<std::string> excluded_dns;   // local mode only (OpenBao has no such parameter)
  std::optional<TimePoint> not_after;      // wins over ttl
  std::chrono::seconds backdate{30};
  std::optional<TimePoint> now;            // injectable clock for tests
};

struct LeafSpec {
  std::string common_name;
  std::vector<std::string> dns_names;      // subjectAltName; CN is added when this is empty
  Validity validity = valid_for(std::chrono::hours(24 * 30));
  bool server_auth = true;
  bool client_auth = false;
};

// Self-signed CA: critical basicConstraints CA:TRUE (+pathlen), critical keyUsage
// keyCertSign+cRLSign, SKI, AKI.
Certificate make_root(const Key& key, const RootSpec& spec);

// CA certificate for `subject_public_key` (or the CSR's key, after checking its signature;
// the subject comes from spec, never from the CSR) issued by issuer_cert/issuer_key: serial 128 random bits, critical basicConstraints CA:TRUE
// with pathlen only when spec.path_len is set, critical nameConstraints when permitted or
// excluded DNS are given, critical keyUsage keyCertSign+cRLSign, SKI (hash), AKI (keyid).
// Throws Error when the issuer is not a CA, issuer_key does not match issuer_cert, the
// issuer's own pathlen forbids another CA level, or a DNS constraint is malformed.
Certificate sign_intermediate(const Csr& csr, const Certificate& issuer_cert, const Key& issuer_key,
                              const IntermediateSpec& spec);
Certificate sign_intermediate(const Key& subject_public_key, const Certificate& issuer_cert,
                              const Key& issuer_key, const IntermediateSpec& spec);

// End-entity certificate (CA:FALSE, digitalSignature, EKU serverAuth/clientAuth), for tests
// of the chain and name-constraint enforcement.
Certificate sign_leaf(const Key& subject_public_key, const Certificate& issuer_cert, const Key& issuer_key,
                      const LeafSpec& spec);

}  // namespace sarga::pki
