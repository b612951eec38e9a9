#include "acceptance-tests/pve-sim/tls_identity.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>

namespace sarga::pvesim {

namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("pve-sim TLS: ") + what + " failed");
}

void add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string base64(const unsigned char* data, size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(n);
  return out;
}

}  // namespace

TlsIdentity TlsIdentity::generate() {
  TlsIdentity id;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  check(key != nullptr, "key generation");
  id.key_.reset(key, EVP_PKEY_free);
  X509* cert = X509_new();
  check(cert != nullptr, "X509_new");
  id.cert_.reset(cert, X509_free);
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("pve-sim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  add_ext(cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_ext(cert, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_ext(cert, NID_ext_key_usage, "serverAuth");
  check(X509_sign(cert, key, EVP_sha256()) > 0, "certificate signing");
  return id;
}

TlsIdentity TlsIdentity::load(const std::string& cert_file, const std::string& key_file) {
  TlsIdentity id;
  FILE* f = std::fopen(cert_file.c_str(), "r");
  if (!f) throw std::runtime_error(cert_file + ": cannot open certificate file");
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) throw std::runtime_error(cert_file + ": not a PEM certificate");
  id.cert_.reset(cert, X509_free);
  f = std::fopen(key_file.c_str(), "r");
  if (!f) throw std::runtime_error(key_file + ": cannot open key file");
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!key) throw std::runtime_error(key_file + ": not a PEM private key (encrypted keys are not supported)");
  id.key_.reset(key, EVP_PKEY_free);
  if (X509_check_private_key(cert, key) != 1)
    throw std::runtime_error(key_file + ": key does not match certificate " + cert_file);
  return id;
}

std::string TlsIdentity::fingerprint() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert_.get(), EVP_sha256(), md, &len);
  std::string out;
  char buf[4];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, i ? ":%02X" : "%02X", md[i]);
    out += buf;
  }
  return out;
}

std::string TlsIdentity::pubkey_pin() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  check(len > 0, "public key encoding");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  EVP_Digest(der, static_cast<size_t>(len), md, &mdlen, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return "sha256//" + base64(md, mdlen);
}

std::string TlsIdentity::cert_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert_.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

}  // namespace sarga::pvesim
