#include "lib/pki/key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lib/pki/openssl_util.h"

namespace sarga::pki {
namespace {

constexpr const char* kAccepted = "ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096 or ed25519";

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* p) { return std::shared_ptr<EVP_PKEY>(p, EVP_PKEY_free); }

}  // namespace

KeySpec KeySpec::parse(std::string_view text) {
  if (text == "ec-p256") return {KeyAlgorithm::ec_p256, 0};
  if (text == "ec-p384") return {KeyAlgorithm::ec_p384, 0};
  if (text == "ed25519") return {KeyAlgorithm::ed25519, 0};
  if (text == "rsa-2048") return {KeyAlgorithm::rsa, 2048};
  if (text == "rsa-3072") return {KeyAlgorithm::rsa, 3072};
  if (text == "rsa-4096") return {KeyAlgorithm::rsa, 4096};
  throw Error("unsupported key type \"" + std::string(text) + "\": use " + kAccepted);
}

std::string KeySpec::to_string() const {
  switch (algorithm) {
    case KeyAlgorithm::ec_p256: return "ec-p256";
    case KeyAlgorithm::ec_p384: return "ec-p384";
    case KeyAlgorithm::ed25519: return "ed25519";
    case KeyAlgorithm::rsa: return "rsa-" + std::to_string(rsa_bits);
  }
  return "unknown";
}

Key Key::generate(const KeySpec& spec) {
  EVP_PKEY* p = nullptr;
  switch (spec.algorithm) {
    case KeyAlgorithm::ec_p256: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyAlgorithm::ec_p384: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case KeyAlgorithm::ed25519: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case KeyAlgorithm::rsa:
      if (spec.rsa_bits < 2048 || spec.rsa_bits > 4096)
        throw Error("RSA key size " + std::to_string(spec.rsa_bits) + " is outside 2048..4096");
      p = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(spec.rsa_bits));
      break;
  }
  if (!p) detail::fail("cannot generate a " + spec.to_string() + " key");
  return Key(own(p), true);
}

Key Key::from_private_pem(std::string_view pem) {
  if (pem.find("ENCRYPTED") != std::string_view::npos)
    throw Error("the private key PEM is encrypted; sarga needs an unencrypted key "
                "(decrypt it with `openssl pkey -in key.pem -out plain.pem`)");
  if (pem.find("PRIVATE KEY-----") == std::string_view::npos)
    throw Error("no PRIVATE KEY PEM block found (expected -----BEGIN PRIVATE KEY-----)");
  auto bio = detail::read_bio(pem);
  bool asked = false;
  EVP_PKEY* p = PEM_read_bio_PrivateKey(bio.get(), nullptr, detail::refuse_passphrase, &asked);
  if (asked) {
    if (p) EVP_PKEY_free(p);
    detail::openssl_error();
    throw Error("the private key PEM is encrypted; sarga needs an unencrypted key");
  }
  if (!p) detail::fail("malformed private key PEM");
  return Key(own(p), true);
}

Key Key::from_public_pem(std::string_view pem) {
  if (pem.find("BEGIN PUBLIC KEY") == std::string_view::npos)
    throw Error("no PUBLIC KEY PEM block found (expected -----BEGIN PUBLIC KEY-----)");
  auto bio = detail::read_bio(pem);
  EVP_PKEY* p = PEM_read_bio_PUBKEY(bio.get(), nullptr, detail::refuse_passphrase, nullptr);
  if (!p) detail::fail("malformed public key PEM");
  return Key(own(p), false);
}

Key Key::adopt(EVP_PKEY* pkey, bool has_private) {
  if (!pkey || EVP_PKEY_up_ref(pkey) != 1) throw Error("no key to adopt");
  return Key(own(pkey), has_private);
}

std::string Key::private_pem() const {
  if (!has_private_) throw Error("this key holds no private part");
  auto bio = detail::write_bio();
  if (PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    detail::fail("cannot encode the private key");
  return detail::bio_contents(bio.get());
}

std::string Key::public_pem() const {
  auto bio = detail::write_bio();
  if (PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) detail::fail("cannot encode the public key");
  return detail::bio_contents(bio.get());
}

std::string Key::public_der() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey_.get(), &der);
  if (n <= 0) detail::fail("cannot encode the public key");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

KeySpec Key::spec() const {
  switch (EVP_PKEY_get_base_id(pkey_.get())) {
    case EVP_PKEY_RSA: return {KeyAlgorithm::rsa, EVP_PKEY_get_bits(pkey_.get())};
    case EVP_PKEY_ED25519: return {KeyAlgorithm::ed25519, 0};
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(pkey_.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
        detail::fail("cannot read the EC curve of the key");
      std::string g(group, len);
      if (g == "prime256v1" || g == "P-256") return {KeyAlgorithm::ec_p256, 0};
      if (g == "secp384r1" || g == "P-384") return {KeyAlgorithm::ec_p384, 0};
      throw Error("unsupported EC curve " + g + ": use " + kAccepted);
    }
    default:
      const char* name = EVP_PKEY_get0_type_name(pkey_.get());
      throw Error(std::string("unsupported key algorithm ") + (name ? name : "?") + ": use " + kAccepted);
  }
}

bool Key::same_public_key(const Key& other) const { return public_der() == other.public_der(); }

std::string Key::public_key_sha256() const { return detail::sha256_hex(public_der()); }

}  // namespace sarga::pki
