// Internal: X509_NAME and GENERAL_NAMES helpers shared by csr.cpp, certificate.cpp, sign.cpp.
#pragma once

#include <string>
#include <vector>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace sarga::pki::detail {

struct NameParts {
  std::string common_name, organization, organizational_unit, country;
};
// A new X509_NAME from the non-empty parts (C, O, OU, CN order); throws Error.
X509_NAME* make_name(const NameParts& parts);
std::string name_rfc2253(const X509_NAME* name);
std::string name_entry(const X509_NAME* name, int nid);  // first entry as UTF-8, "" when absent
// A new subjectAltName value with DNS entries; throws Error.
GENERAL_NAMES* make_dns_names(const std::vector<std::string>& dns);
std::vector<std::string> dns_entries(const GENERAL_NAMES* names);
// Leading-dot-optional DNS name check for SANs and name constraints; returns "" or why not.
std::string dns_name_problem(const std::string& name, bool allow_leading_dot);
const EVP_MD* digest_for(EVP_PKEY* key);  // nullptr for Ed25519 (pure signature)

}  // namespace sarga::pki::detail
