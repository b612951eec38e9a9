// Private and public keys (OpenSSL 3 EVP_PKEY, RAII, immutable, cheap to copy).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "lib/pki/error.h"

namespace sarga::pki {

enum class KeyAlgorithm { ec_p256, ec_p384, rsa, ed25519 };

// Text form: "ec-p256" | "ec-p384" | "rsa-2048" | "rsa-3072" | "rsa-4096" | "ed25519".
struct KeySpec {
  KeyAlgorithm algorithm = KeyAlgorithm::ec_p256;
  int rsa_bits = 0;  // only for rsa
  static KeySpec parse(std::string_view text);  // throws Error naming the accepted forms
  std::string to_string() const;
};

class Key {
 public:
  static Key generate(const KeySpec& spec);
  static Key generate(std::string_view spec) { return generate(KeySpec::parse(spec)); }
  // Private key PEM: PKCS#8 ("PRIVATE KEY") or traditional ("EC/RSA PRIVATE KEY").
  // An encrypted PEM throws Error saying so (sarga takes unencrypted keys only).
  static Key from_private_pem(std::string_view pem);
  // Public key PEM ("PUBLIC KEY", SubjectPublicKeyInfo).
  static Key from_public_pem(std::string_view pem);
  // Adopts a reference (the caller keeps its own).
  static Key adopt(EVP_PKEY* pkey, bool has_private);

  std::string private_pem() const;  // PKCS#8, unencrypted; throws when public only
  std::string public_pem() const;   // SubjectPublicKeyInfo
  std::string public_der() const;
  bool has_private() const { return has_private_; }
  KeySpec spec() const;             // algorithm and size, read from the key
  std::string algorithm() const { return spec().to_string(); }
  // Same public key (compares the SubjectPublicKeyInfo).
  bool same_public_key(const Key& other) const;
  // SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex.
  std::string public_key_sha256() const;

  EVP_PKEY* get() const { return pkey_.get(); }

 private:
  Key(std::shared_ptr<EVP_PKEY> pkey, bool has_private) : pkey_(std::move(pkey)), has_private_(has_private) {}
  std::shared_ptr<EVP_PKEY> pkey_;
  bool has_private_ = false;
};

}  // namespace sarga::pki
