// The server's TLS identity: a fresh self-signed certificate (SAN localhost, 127.0.0.1, ::1)
// or one loaded from PEM files, with the fingerprints clients pin.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace sarga::pvesim {

class TlsIdentity {
 public:
  static TlsIdentity generate();
  // Throws std::runtime_error naming the file on failure.
  static TlsIdentity load(const std::string& cert_file, const std::string& key_file);

  X509* cert() const { return cert_.get(); }
  EVP_PKEY* key() const { return key_.get(); }
  // "AB:CD:..." SHA-256 of the DER certificate, as PVE shows node fingerprints.
  std::string fingerprint() const;
  // "sha256//<base64>" of the public key, for curl --pinnedpubkey.
  std::string pubkey_pin() const;
  std::string cert_pem() const;

 private:
  std::shared_ptr<X509> cert_;
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace sarga::pvesim
