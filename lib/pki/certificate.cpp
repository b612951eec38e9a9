#include "lib/pki/certificate.h"

#include <cctype>
#include <ctime>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lib/pki/openssl_util.h"
#include "lib/pki/x509_names.h"

namespace sarga::pki {
namespace {

std::shared_ptr<X509> own(X509* x) { return std::shared_ptr<X509>(x, X509_free); }

TimePoint to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) detail::fail("certificate has an unreadable validity time");
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// Parses one DER certificate; the whole input must be consumed.
X509* parse_der(const unsigned char* data, long size, const std::string& what) {
  const unsigned char* p = data;
  X509* x = d2i_X509(nullptr, &p, size);
  if (!x) detail::fail("malformed " + what);
  if (p != data + size) {
    X509_free(x);
    throw Error(what + " has " + std::to_string(data + size - p) + " bytes of trailing data");
  }
  return x;
}

bool is_certificate_label(const char* name) {
  std::string n(name);
  return n == "CERTIFICATE" || n == "X509 CERTIFICATE";
}

}  // namespace

Certificate Certificate::from_pem(std::string_view pem) {
  auto all = all_from_pem(pem);
  return all.front();
}

Certificate Certificate::from_der(std::string_view der) {
  if (der.empty()) throw Error("empty DER certificate");
  return Certificate(own(parse_der(reinterpret_cast<const unsigned char*>(der.data()),
                                   static_cast<long>(der.size()), "DER certificate")));
}

std::vector<Certificate> Certificate::all_from_pem(std::string_view pem) {
  std::vector<Certificate> out;
  auto bio = detail::read_bio(pem);
  ERR_clear_error();
  for (int block = 1;; ++block) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
      unsigned long err = ERR_peek_last_error();
      bool end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
      if (!end) detail::fail("PEM block " + std::to_string(block) + " is malformed");
      detail::openssl_error();  // the expected end-of-input error
      break;
    }
    std::unique_ptr<char, void (*)(void*)> n(name, [](void* p) { OPENSSL_free(p); });
    std::unique_ptr<char, void (*)(void*)> h(header, [](void* p) { OPENSSL_free(p); });
    std::unique_ptr<unsigned char, void (*)(void*)> d(data, [](void* p) { OPENSSL_free(p); });
    if (!is_certificate_label(name)) continue;
    out.push_back(Certificate(own(parse_der(data, len, "certificate in PEM block " + std::to_string(block)))));
  }
  if (out.empty()) throw Error("no CERTIFICATE PEM block found");
  return out;
}

Certificate Certificate::adopt(X509* x509) {
  if (!x509 || X509_up_ref(x509) != 1) throw Error("no certificate to adopt");
  return Certificate(own(x509));
}

std::string Certificate::pem() const {
  auto bio = detail::write_bio();
  if (PEM_write_bio_X509(bio.get(), x509_.get()) != 1) detail::fail("cannot encode the certificate");
  return detail::bio_contents(bio.get());
}

std::string Certificate::der() const {
  unsigned char* der = nullptr;
  int n = i2d_X509(x509_.get(), &der);
  if (n <= 0) detail::fail("cannot encode the certificate");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string Certificate::serial_hex() const {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr);
  if (!bn) detail::fail("unreadable serial number");
  char* h = BN_bn2hex(bn);
  BN_free(bn);
  if (!h) detail::fail("unreadable serial number");
  std::string out(h);
  OPENSSL_free(h);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool negative = !out.empty() && out[0] == '-';
  std::size_t nz = out.find_first_not_of('0', negative ? 1 : 0);
  if (nz == std::string::npos) return "0";
  out.erase(negative ? 1 : 0, nz - (negative ? 1 : 0));
  return out;
}

std::string Certificate::serial_colon_hex() const {
  std::string h = serial_hex();
  if (!h.empty() && h[0] == '-') h.erase(0, 1);  // OpenBao never issues negative serials
  std::string out;
  std::size_t digits = h.size() + h.size() % 2;  // pad to whole bytes
  for (std::size_t i = 0; i < digits; ++i) {
    if (i && i % 2 == 0) out += ':';
    out += (h.size() % 2 && i == 0) ? '0' : h[i - (h.size() % 2)];
  }
  return out;
}

TimePoint Certificate::not_before() const { return to_time_point(X509_get0_notBefore(x509_.get())); }
TimePoint Certificate::not_after() const { return to_time_point(X509_get0_notAfter(x509_.get())); }

std::string Certificate::sha256_fingerprint() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(x509_.get(), EVP_sha256(), md, &len) != 1) detail::fail("cannot hash the certificate");
  return detail::hex(md, len, true, ':');
}

std::string Certificate::subject() const { return detail::name_rfc2253(X509_get_subject_name(x509_.get())); }
std::string Certificate::subject_cn() const {
  return detail::name_entry(X509_get_subject_name(x509_.get()), NID_commonName);
}
std::string Certificate::issuer() const { return detail::name_rfc2253(X509_get_issuer_name(x509_.get())); }
std::string Certificate::issuer_cn() const {
  return detail::name_entry(X509_get_issuer_name(x509_.get()), NID_commonName);
}

std::vector<std::string> Certificate::dns_names() const {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509_.get(), NID_subject_alt_name, nullptr, nullptr));
  auto out = detail::dns_entries(names);
  GENERAL_NAMES_free(names);
  return out;
}

bool Certificate::is_ca() const {
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x509_.get(), NID_basic_constraints, nullptr, nullptr));
  bool ca = bc && bc->ca;
  BASIC_CONSTRAINTS_free(bc);
  return ca;
}

bool Certificate::basic_constraints_critical() const {
  int i = X509_get_ext_by_NID(x509_.get(), NID_basic_constraints, -1);
  return i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x509_.get(), i)) == 1;
}

std::optional<int> Certificate::path_len() const {
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x509_.get(), NID_basic_constraints, nullptr, nullptr));
  std::optional<int> out;
  if (bc && bc->ca && bc->pathlen) {
    long v = ASN1_INTEGER_get(bc->pathlen);
    if (v >= 0 && v <= 1'000'000) out = static_cast<int>(v);
  }
  BASIC_CONSTRAINTS_free(bc);
  return out;
}

NameConstraints Certificate::name_constraints() const {
  NameConstraints out;
  int crit = -1;
  auto* nc = static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(x509_.get(), NID_name_constraints, &crit, nullptr));
  detail::openssl_error();
  if (!nc) return out;
  out.present = true;
  out.critical = crit == 1;
  auto collect = [&](STACK_OF(GENERAL_SUBTREE) * trees, std::vector<std::string>& into) {
    for (int i = 0; trees && i < sk_GENERAL_SUBTREE_num(trees); ++i) {
      const GENERAL_NAME* base = sk_GENERAL_SUBTREE_value(trees, i)->base;
      if (base->type != GEN_DNS) {
        out.has_non_dns = true;
        continue;
      }
      const ASN1_IA5STRING* s = base->d.dNSName;
      into.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                        static_cast<std::size_t>(ASN1_STRING_length(s)));
    }
  };
  collect(nc->permittedSubtrees, out.permitted_dns);
  collect(nc->excludedSubtrees, out.excluded_dns);
  NAME_CONSTRAINTS_free(nc);
  return out;
}

bool Certificate::can_sign_certificates() const {
  return (X509_get_key_usage(x509_.get()) & KU_KEY_CERT_SIGN) != 0;  // UINT32_MAX without keyUsage
}

std::string Certificate::subject_key_id() const {
  const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(x509_.get());
  return id ? detail::hex(ASN1_STRING_get0_data(id), static_cast<std::size_t>(ASN1_STRING_length(id))) : "";
}

std::string Certificate::authority_key_id() const {
  const ASN1_OCTET_STRING* id = X509_get0_authority_key_id(x509_.get());
  return id ? detail::hex(ASN1_STRING_get0_data(id), static_cast<std::size_t>(ASN1_STRING_length(id))) : "";
}

Key Certificate::public_key() const {
  EVP_PKEY* p = X509_get0_pubkey(x509_.get());
  if (!p) detail::fail("the certificate has an unusable public key");
  return Key::adopt(p, false);
}

bool Certificate::matches_key(const Key& key) const {
  EVP_PKEY* p = X509_get0_pubkey(x509_.get());
  detail::openssl_error();
  return p && Key::adopt(p, false).same_public_key(key);
}

bool Certificate::verify_signed_by(const Certificate& issuer) const {
  bool ok = X509_check_issued(issuer.get(), x509_.get()) == X509_V_OK;
  EVP_PKEY* p = X509_get0_pubkey(issuer.get());
  ok = ok && p && X509_verify(x509_.get(), p) == 1;
  detail::openssl_error();
  return ok;
}

bool Certificate::is_self_issued() const {
  return X509_NAME_cmp(X509_get_subject_name(x509_.get()), X509_get_issuer_name(x509_.get())) == 0;
}

bool Certificate::same_as(const Certificate& other) const { return der() == other.der(); }

std::string to_rfc3339(TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sarga::pki
