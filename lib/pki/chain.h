// Chain helpers: order and de-duplicate a bundle, verify a leaf up to a trusted root.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/pki/certificate.h"

namespace sarga::pki {

// Leaf-first order: starts at the certificate no other one in the list was issued by,
// then follows issuers; identical certificates (same DER) are kept once. Certificates that
// do not link into that path are appended after it in their input order.
std::vector<Certificate> order_chain(const std::vector<Certificate>& certs);
// PEM blocks joined by newlines (each block ends with a newline).
std::string to_pem_bundle(const std::vector<Certificate>& certs);

struct VerifyResult {
  bool ok = false;
  int error_code = 0;      // X509_V_ERR_* (47 permitted subtree violation, 25 path length, ...)
  int error_depth = -1;
  std::string error;       // OpenSSL's text, with the depth
};

// Full X509_verify_cert path validation with `root` as the only trust anchor, `chain` as
// untrusted intermediates, hostname checked against the leaf when non-empty, at time `at`
// (default: now). Name constraints and path length are enforced.
VerifyResult verify_chain(const Certificate& leaf, const std::vector<Certificate>& chain, const Certificate& root,
                          const std::string& hostname = {}, std::optional<TimePoint> at = std::nullopt);

}  // namespace sarga::pki
