// Test support: read the properties of a DER certificate with OpenSSL.
#pragma once

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace sarga::plugin::testing {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

inline X509Ptr parse_der(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

inline std::string der_to_pem(const std::string& der) {
  X509Ptr cert = parse_der(der);
  if (!cert) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return pem;
}

inline bool has_dns_san(X509* cert, const std::string& name) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  bool found = false;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_DNS) continue;
    const unsigned char* data = ASN1_STRING_get0_data(gn->d.dNSName);
    std::string value(reinterpret_cast<const char*>(data), ASN1_STRING_length(gn->d.dNSName));
    if (value == name) found = true;
  }
  GENERAL_NAMES_free(names);
  return found;
}

}  // namespace sarga::plugin::testing
