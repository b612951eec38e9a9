// Fuzz target: every decoder of outside PKI input (PEM bundles, DER certificates, CSR and key
// PEM) plus the inspectors run on whatever parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/pki/certificate.h"
#include "lib/pki/chain.h"
#include "lib/pki/csr.h"
#include "lib/pki/key.h"

using namespace sarga::pki;

static void inspect(const Certificate& c) {
  (void)c.serial_hex();
  (void)c.serial_colon_hex();
  (void)c.subject();
  (void)c.issuer_cn();
  (void)c.dns_names();
  (void)c.is_ca();
  (void)c.path_len();
  (void)c.name_constraints();
  (void)c.subject_key_id();
  (void)c.authority_key_id();
  (void)c.sha256_fingerprint();
  try {
    (void)c.not_before();
    (void)c.not_after();
    (void)c.public_key().spec();
  } catch (const Error&) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto certs = Certificate::all_from_pem(in);
    for (const auto& c : certs) inspect(c);
    (void)order_chain(certs);
  } catch (const Error&) {
  }
  try {
    inspect(Certificate::from_der(in));
  } catch (const Error&) {
  }
  try {
    auto csr = Csr::from_pem(in);
    (void)csr.subject();
    (void)csr.dns_names();
    (void)csr.verify_signature();
  } catch (const Error&) {
  }
  try {
    (void)Key::from_private_pem(in).spec();
  } catch (const Error&) {
  }
  try {
    Key k = Key::from_public_pem(in);
    (void)k.public_key_sha256();
    (void)k.spec();
  } catch (const Error&) {
  }
  return 0;
}
