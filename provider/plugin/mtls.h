// Temporary certificates in go-plugin's AutoMTLS profile (protocol.md 1.4).
#pragma once

#include <string>

namespace sarga::plugin {

enum class Curve { P256, P384, P521 };

struct Certificate {
  std::string key_pem;   // PKCS#8 "PRIVATE KEY" PEM of a fresh key (never logged)
  std::string cert_pem;  // "CERTIFICATE" PEM
  std::string cert_der;  // the same certificate as DER bytes
};

// Fresh ECDSA key and a self-signed certificate: CN and DNS SAN "localhost", CA:TRUE,
// key usages digitalSignature/keyEncipherment/keyAgreement/certSign, EKUs serverAuth and
// clientAuth, random 128-bit serial, valid from now-30s for ~30 years. Signed with the
// hash that matches the curve (SHA-256/384/512). `organization` goes into O=.
// Throws std::runtime_error naming the OpenSSL step that failed.
Certificate make_self_signed(Curve curve, const std::string& organization = "sarga");

// True when `pem` holds at least one parsable PEM certificate (checks PLUGIN_CLIENT_CERT
// before gRPC would fail on it with a less helpful message).
bool is_pem_certificate(std::string_view pem);

// Standard-alphabet base64 without '=' padding (Go's RawStdEncoding), as go-plugin wants.
std::string base64_raw_std(std::string_view bytes);

// Inverse of base64_raw_std; also accepts padded input. Returns false on a bad character.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace sarga::plugin
