// Certificate signing requests (PKCS#10), RAII, immutable.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/x509.h>

#include "lib/pki/key.h"

namespace sarga::pki {

struct CsrSpec {
  std::string common_name;           // required
  std::string organization;          // optional O=
  std::string organizational_unit;   // optional OU=
  std::string country;               // optional C= (2 letters)
  std::vector<std::string> dns_names;  // optional subjectAltName DNS entries
};

class Csr {
 public:
  // Builds and self-signs a request with `key` (must hold the private key).
  static Csr make(const Key& key, const CsrSpec& spec);
  static Csr from_pem(std::string_view pem);  // first CERTIFICATE REQUEST block

  std::string pem() const;
  Key public_key() const;
  std::string subject_cn() const;          // empty when absent
  std::string subject() const;             // RFC 2253 one-line form
  std::vector<std::string> dns_names() const;
  bool verify_signature() const;           // proof of possession of the key

  X509_REQ* get() const { return req_.get(); }

 private:
  explicit Csr(std::shared_ptr<X509_REQ> req) : req_(std::move(req)) {}
  std::shared_ptr<X509_REQ> req_;
};

}  // namespace sarga::pki
