#include "provider/plugin/mtls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace sarga::plugin {
namespace {

template <auto Fn>
struct Deleter {
  template <class T>
  void operator()(T* p) const { Fn(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* step) {
  throw std::runtime_error(std::string("AutoMTLS certificate: OpenSSL failed at ") + step);
}

void check(bool ok, const char* step) {
  if (!ok) fail(step);
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

// Writes the SubjectPublicKeyInfo (id-ecPublicKey, named curve, uncompressed point) straight
// into the certificate. X509_set_pubkey would do the same through OpenSSL 3.0's encoder
// lookup, which costs more than the key generation itself on the exec-to-handshake path.
void set_ec_public_key(X509* cert, EVP_PKEY* key, int curve_nid) {
  size_t len = 0;
  check(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0, &len) == 1,
        "public key size");
  auto* point = static_cast<unsigned char*>(OPENSSL_malloc(len));
  check(point != nullptr, "OPENSSL_malloc");
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, len, &len) != 1) {
    OPENSSL_free(point);
    fail("public key point");
  }
  // set0 takes ownership of `point`; the OIDs are static objects.
  if (X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                             V_ASN1_OBJECT, OBJ_nid2obj(curve_nid), point, static_cast<int>(len)) != 1) {
    OPENSSL_free(point);
    fail("X509_PUBKEY_set0_param");
  }
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

}  // namespace

Certificate make_self_signed(Curve curve, const std::string& organization) {
  const char* group = curve == Curve::P256 ? "P-256" : curve == Curve::P384 ? "P-384" : "P-521";
  const int curve_nid = curve == Curve::P256   ? NID_X9_62_prime256v1
                        : curve == Curve::P384 ? NID_secp384r1
                                               : NID_secp521r1;
  const EVP_MD* digest =
      curve == Curve::P256 ? EVP_sha256() : curve == Curve::P384 ? EVP_sha384() : EVP_sha512();

  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group));
  check(key != nullptr, "EVP_PKEY_Q_keygen");

  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");

  // Random positive serial below 2^128, like go-plugin.
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "RAND_bytes");
  serial_bytes[0] &= 0x7f;
  BnPtr serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  check(serial != nullptr, "BN_bin2bn");
  check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr,
        "BN_to_ASN1_INTEGER");

  // Back-dated 30 s so a host with a slightly different clock accepts it at once.
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -30) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 262980L * 3600L) != nullptr, "notAfter");

  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(organization.c_str()),
                                   -1, -1, 0) == 1,
        "subject O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                                   0) == 1,
        "subject CN");
  check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");
  set_ec_public_key(cert.get(), key.get(), curve_nid);

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), &ctx, NID_key_usage,
                "critical,digitalSignature,keyEncipherment,keyAgreement,keyCertSign");
  add_extension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(cert.get(), &ctx, NID_subject_alt_name, "DNS:localhost");
  add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");

  check(X509_sign(cert.get(), key.get(), digest) > 0, "X509_sign");

  Certificate out;
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  check(key_bio && PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0,
                                            nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  out.key_pem = bio_text(key_bio.get());

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  check(cert_bio && PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM_write_bio_X509");
  out.cert_pem = bio_text(cert_bio.get());

  int der_len = i2d_X509(cert.get(), nullptr);
  check(der_len > 0, "i2d_X509");
  out.cert_der.resize(static_cast<size_t>(der_len));
  unsigned char* p = reinterpret_cast<unsigned char*>(out.cert_der.data());
  check(i2d_X509(cert.get(), &p) == der_len, "i2d_X509");
  return out;
}

bool is_pem_certificate(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return false;
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  return cert != nullptr;
}

std::string base64_raw_std(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  out.clear();
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // A single leftover sextet cannot encode a byte.
  return text.size() % 4 != 1;
}

}  // namespace sarga::plugin
