// X.509 certificates: parse (PEM/DER), inspect, verify one signature. RAII, immutable.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "lib/pki/key.h"

namespace sarga::pki {

using TimePoint = std::chrono::system_clock::time_point;

struct NameConstraints {
  bool present = false;
  bool critical = false;
  std::vector<std::string> permitted_dns;  // as encoded (".sub" keeps its leading dot)
  std::vector<std::string> excluded_dns;
  bool has_non_dns = false;                // IP/email/URI/DN subtrees present (not listed above)
};

class Certificate {
 public:
  static Certificate from_pem(std::string_view pem);  // first CERTIFICATE block; throws Error
  static Certificate from_der(std::string_view der);
  // Every CERTIFICATE block in order; other blocks (keys, CRLs) are skipped. Throws Error
  // on a malformed certificate block or when there is none.
  static std::vector<Certificate> all_from_pem(std::string_view pem);
  static Certificate adopt(X509* x509);  // takes a new reference; the caller keeps its own

  std::string pem() const;
  std::string der() const;

  std::string serial_hex() const;        // lower-case hex, no separators, no leading zeros ("0" for 0)
  std::string serial_colon_hex() const;  // OpenBao's form: "1a:2b:..", lower-case, even digit count
  TimePoint not_before() const;
  TimePoint not_after() const;
  std::string sha256_fingerprint() const;  // "AA:BB:.." upper-case, of the DER

  std::string subject() const;     // RFC 2253 one-line
  std::string subject_cn() const;  // empty when absent
  std::string issuer() const;      // RFC 2253 one-line
  std::string issuer_cn() const;
  std::vector<std::string> dns_names() const;  // subjectAltName DNS entries

  bool is_ca() const;                        // basicConstraints CA:TRUE
  bool basic_constraints_critical() const;
  std::optional<int> path_len() const;       // nullopt = no pathLenConstraint (unlimited)
  NameConstraints name_constraints() const;
  std::vector<std::string> permitted_dns() const { return name_constraints().permitted_dns; }
  bool can_sign_certificates() const;        // keyUsage keyCertSign (or no keyUsage on a CA)
  std::string subject_key_id() const;        // hex, empty when absent
  std::string authority_key_id() const;      // hex keyIdentifier, empty when absent

  Key public_key() const;
  bool matches_key(const Key& key) const;    // the certificate's public key is key's
  bool verify_signed_by(const Certificate& issuer) const;  // signature + issuer name match
  bool is_self_issued() const;               // subject == issuer
  bool same_as(const Certificate& other) const;  // identical DER

  X509* get() const { return x509_.get(); }

 private:
  explicit Certificate(std::shared_ptr<X509> x) : x509_(std::move(x)) {}
  std::shared_ptr<X509> x509_;
};

// "2026-11-22T02:30:00Z"
std::string to_rfc3339(TimePoint t);

}  // namespace sarga::pki
