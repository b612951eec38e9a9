#include "lib/pki/csr.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lib/pki/openssl_util.h"
#include "lib/pki/x509_names.h"

namespace sarga::pki {
namespace {

std::shared_ptr<X509_REQ> own(X509_REQ* r) { return std::shared_ptr<X509_REQ>(r, X509_REQ_free); }

}  // namespace

Csr Csr::make(const Key& key, const CsrSpec& spec) {
  if (spec.common_name.empty()) throw Error("a CSR needs a common_name");
  if (!key.has_private()) throw Error("a CSR must be signed with a private key");
  for (std::size_t i = 0; i < spec.dns_names.size(); ++i)
    if (auto why = detail::dns_name_problem(spec.dns_names[i], false); !why.empty())
      throw Error("dns_names[" + std::to_string(i) + "] \"" + spec.dns_names[i] + "\" " + why);
  auto req = own(X509_REQ_new());
  if (!req) detail::fail("cannot allocate a CSR");
  X509_NAME* name = detail::make_name({spec.common_name, spec.organization, spec.organizational_unit, spec.country});
  int ok = X509_REQ_set_version(req.get(), 0) == 1 && X509_REQ_set_subject_name(req.get(), name) == 1 &&
           X509_REQ_set_pubkey(req.get(), key.get()) == 1;
  X509_NAME_free(name);
  if (!ok) detail::fail("cannot fill the CSR");
  if (!spec.dns_names.empty()) {
    GENERAL_NAMES* san = detail::make_dns_names(spec.dns_names);
    X509_EXTENSION* ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, san);
    GENERAL_NAMES_free(san);
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    bool added = ext && exts && sk_X509_EXTENSION_push(exts, ext) > 0;
    if (added) added = X509_REQ_add_extensions(req.get(), exts) == 1;
    else X509_EXTENSION_free(ext);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    if (!added) detail::fail("cannot add subjectAltName to the CSR");
  }
  if (X509_REQ_sign(req.get(), key.get(), detail::digest_for(key.get())) <= 0) detail::fail("cannot sign the CSR");
  return Csr(req);
}

Csr Csr::from_pem(std::string_view pem) {
  if (pem.find("CERTIFICATE REQUEST-----") == std::string_view::npos)
    throw Error("no CERTIFICATE REQUEST PEM block found");
  auto bio = detail::read_bio(pem);
  X509_REQ* r = PEM_read_bio_X509_REQ(bio.get(), nullptr, detail::refuse_passphrase, nullptr);
  if (!r) detail::fail("malformed CERTIFICATE REQUEST PEM");
  return Csr(own(r));
}

std::string Csr::pem() const {
  auto bio = detail::write_bio();
  if (PEM_write_bio_X509_REQ(bio.get(), req_.get()) != 1) detail::fail("cannot encode the CSR");
  return detail::bio_contents(bio.get());
}

Key Csr::public_key() const {
  EVP_PKEY* p = X509_REQ_get0_pubkey(req_.get());
  if (!p) detail::fail("the CSR has no usable public key");
  return Key::adopt(p, false);
}

std::string Csr::subject_cn() const { return detail::name_entry(X509_REQ_get_subject_name(req_.get()), NID_commonName); }

std::string Csr::subject() const { return detail::name_rfc2253(X509_REQ_get_subject_name(req_.get())); }

std::vector<std::string> Csr::dns_names() const {
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req_.get());
  std::vector<std::string> out;
  if (!exts) return out;
  int i = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1);
  if (i >= 0) {
    auto* names = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(sk_X509_EXTENSION_value(exts, i)));
    out = detail::dns_entries(names);
    GENERAL_NAMES_free(names);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  return out;
}

bool Csr::verify_signature() const {
  EVP_PKEY* p = X509_REQ_get0_pubkey(req_.get());
  bool ok = p && X509_REQ_verify(req_.get(), p) == 1;
  detail::openssl_error();
  return ok;
}

}  // namespace sarga::pki
