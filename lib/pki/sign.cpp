#include "lib/pki/sign.h"

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lib/pki/openssl_util.h"
#include "lib/pki/x509_names.h"

namespace sarga::pki {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

struct Times {
  TimePoint not_before, not_after;
};

Times window(std::optional<TimePoint> now, std::chrono::seconds backdate, std::chrono::seconds ttl,
             std::optional<TimePoint> not_after) {
  TimePoint t = now.value_or(std::chrono::system_clock::now());
  Times w{t - backdate, not_after.value_or(t + ttl)};
  if (w.not_after <= t) throw Error("the certificate would expire at " + to_rfc3339(w.not_after) + ", not after now");
  return w;
}

// Version 3, 128-bit positive random serial, names, key and validity.
X509Ptr start_certificate(const X509_NAME* subject, const X509_NAME* issuer, const Key& subject_key, const Times& w) {
  X509Ptr x(X509_new());
  if (!x) detail::fail("cannot allocate a certificate");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) detail::fail("no randomness for the serial number");
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7F) | 0x40);  // positive, full length
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get())) != nullptr;
  BN_free(bn);
  ok = ok && X509_set_version(x.get(), X509_VERSION_3) == 1 && X509_set_subject_name(x.get(), subject) == 1 &&
       X509_set_issuer_name(x.get(), issuer) == 1 && X509_set_pubkey(x.get(), subject_key.get()) == 1 &&
       ASN1_TIME_set(X509_getm_notBefore(x.get()), std::chrono::system_clock::to_time_t(w.not_before)) &&
       ASN1_TIME_set(X509_getm_notAfter(x.get()), std::chrono::system_clock::to_time_t(w.not_after));
  if (!ok) detail::fail("cannot fill the certificate");
  return x;
}

void add_conf_ext(X509* x, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  bool ok = ext && X509_add_ext(x, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  if (!ok) detail::fail(std::string("cannot add extension ") + OBJ_nid2sn(nid) + " = " + value);
}

void add_basic_constraints(X509* x, bool ca, std::optional<int> path_len) {
  BASIC_CONSTRAINTS* bc = BASIC_CONSTRAINTS_new();
  if (!bc) detail::fail("cannot allocate basicConstraints");
  bc->ca = ca ? 0xFF : 0;
  if (ca && path_len) {
    bc->pathlen = ASN1_INTEGER_new();
    if (!bc->pathlen || ASN1_INTEGER_set(bc->pathlen, *path_len) != 1) {
      BASIC_CONSTRAINTS_free(bc);
      detail::fail("cannot encode pathlen");
    }
  }
  int rc = X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1 /*critical*/, X509V3_ADD_DEFAULT);
  BASIC_CONSTRAINTS_free(bc);
  if (rc != 1) detail::fail("cannot add basicConstraints");
}

GENERAL_SUBTREE* dns_subtree(const std::string& dns) {
  GENERAL_SUBTREE* t = GENERAL_SUBTREE_new();
  ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
  if (!t || !ia5 || ASN1_STRING_set(ia5, dns.data(), static_cast<int>(dns.size())) != 1) {
    GENERAL_SUBTREE_free(t);
    ASN1_IA5STRING_free(ia5);
    detail::fail("cannot encode name constraint " + dns);
  }
  GENERAL_NAME_set0_value(t->base, GEN_DNS, ia5);
  return t;
}

void check_dns_list(const std::vector<std::string>& list, const char* attribute) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (auto why = detail::dns_name_problem(list[i], true); !why.empty())
      throw Error(std::string(attribute) + "[" + std::to_string(i) + "] \"" + list[i] + "\" " + why);
}

void add_name_constraints(X509* x, const std::vector<std::string>& permitted, const std::vector<std::string>& excluded) {
  if (permitted.empty() && excluded.empty()) return;
  check_dns_list(permitted, "permitted_dns");
  check_dns_list(excluded, "excluded_dns");
  NAME_CONSTRAINTS* nc = NAME_CONSTRAINTS_new();
  if (!nc) detail::fail("cannot allocate nameConstraints");
  auto fill = [&](STACK_OF(GENERAL_SUBTREE) * *trees, const std::vector<std::string>& list) {
    if (list.empty()) return;
    *trees = sk_GENERAL_SUBTREE_new_null();
    for (const auto& d : list) sk_GENERAL_SUBTREE_push(*trees, dns_subtree(d));
  };
  fill(&nc->permittedSubtrees, permitted);
  fill(&nc->excludedSubtrees, excluded);
  int rc = X509_add1_ext_i2d(x, NID_name_constraints, nc, 1 /*critical*/, X509V3_ADD_DEFAULT);
  NAME_CONSTRAINTS_free(nc);
  if (rc != 1) detail::fail("cannot add nameConstraints");
}

Certificate finish(X509Ptr x, const Key& signer) {
  if (X509_sign(x.get(), signer.get(), detail::digest_for(signer.get())) <= 0) detail::fail("cannot sign the certificate");
  return Certificate::adopt(x.get());
}

void check_issuer(const Certificate& issuer_cert, const Key& issuer_key) {
  if (!issuer_cert.is_ca()) throw Error("issuer certificate \"" + issuer_cert.subject() + "\" is not a CA");
  if (!issuer_cert.can_sign_certificates())
    throw Error("issuer certificate \"" + issuer_cert.subject() + "\" has no keyCertSign key usage");
  if (!issuer_key.has_private()) throw Error("the issuer key holds no private part");
  if (!issuer_cert.matches_key(issuer_key))
    throw Error("the issuer key does not belong to issuer certificate \"" + issuer_cert.subject() + "\"");
}

}  // namespace

Certificate make_root(const Key& key, const RootSpec& spec) {
  if (spec.common_name.empty()) throw Error("a root certificate needs a common_name");
  if (!key.has_private()) throw Error("a root certificate must be signed with a private key");
  if (spec.path_len && *spec.path_len < 0) throw Error("path_len must be >= 0");
  auto w = window(spec.validity.now, spec.validity.backdate, spec.validity.ttl, spec.validity.not_after);
  X509_NAME* name = detail::make_name({spec.common_name, spec.organization, {}, {}});
  X509Ptr x;
  try {
    x = start_certificate(name, name, key, w);
  } catch (...) {
    X509_NAME_free(name);
    throw;
  }
  X509_NAME_free(name);
  add_basic_constraints(x.get(), true, spec.path_len);
  add_conf_ext(x.get(), x.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  add_conf_ext(x.get(), x.get(), NID_subject_key_identifier, "hash");
  add_conf_ext(x.get(), x.get(), NID_authority_key_identifier, "keyid:always");
  return finish(std::move(x), key);
}

Certificate sign_intermediate(const Csr& csr, const Certificate& issuer_cert, const Key& issuer_key,
                              const IntermediateSpec& spec) {
  if (!csr.verify_signature()) throw Error("the CSR signature does not verify (not signed by its own key)");
  return sign_intermediate(csr.public_key(), issuer_cert, issuer_key, spec);
}

Certificate sign_intermediate(const Key& subject_public_key, const Certificate& issuer_cert, const Key& issuer_key,
                              const IntermediateSpec& spec) {
  if (spec.common_name.empty()) throw Error("an intermediate certificate needs a common_name");
  if (spec.path_len && *spec.path_len < 0) throw Error("path_len must be >= 0 (leave it unset for no limit)");
  check_issuer(issuer_cert, issuer_key);
  if (auto parent = issuer_cert.path_len()) {
    if (*parent == 0) throw Error("issuer \"" + issuer_cert.subject() + "\" has pathlen 0: it cannot sign another CA");
    if (spec.path_len && *spec.path_len > *parent - 1)
      throw Error("path_len " + std::to_string(*spec.path_len) + " exceeds what issuer \"" + issuer_cert.subject() +
                  "\" allows (" + std::to_string(*parent - 1) + ")");
  }
  auto w = window(spec.now, spec.backdate, spec.ttl, spec.not_after);
  X509_NAME* subject = detail::make_name({spec.common_name, spec.organization, {}, {}});
  X509Ptr x;
  try {
    x = start_certificate(subject, X509_get_subject_name(issuer_cert.get()), subject_public_key, w);
  } catch (...) {
    X509_NAME_free(subject);
    throw;
  }
  X509_NAME_free(subject);
  add_basic_constraints(x.get(), true, spec.path_len);
  add_name_constraints(x.get(), spec.permitted_dns, spec.excluded_dns);
  add_conf_ext(x.get(), issuer_cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  add_conf_ext(x.get(), issuer_cert.get(), NID_subject_key_identifier, "hash");
  add_conf_ext(x.get(), issuer_cert.get(), NID_authority_key_identifier, "keyid:always");
  return finish(std::move(x), issuer_key);
}

Certificate sign_leaf(const Key& subject_public_key, const Certificate& issuer_cert, const Key& issuer_key,
                      const LeafSpec& spec) {
  if (spec.common_name.empty()) throw Error("a leaf certificate needs a common_name");
  check_issuer(issuer_cert, issuer_key);
  std::vector<std::string> dns = spec.dns_names.empty() ? std::vector<std::string>{spec.common_name} : spec.dns_names;
  for (std::size_t i = 0; i < dns.size(); ++i)
    if (auto why = detail::dns_name_problem(dns[i], false); !why.empty())
      throw Error("dns_names[" + std::to_string(i) + "] \"" + dns[i] + "\" " + why);
  auto w = window(spec.validity.now, spec.validity.backdate, spec.validity.ttl, spec.validity.not_after);
  X509_NAME* subject = detail::make_name({spec.common_name, {}, {}, {}});
  X509Ptr x;
  try {
    x = start_certificate(subject, X509_get_subject_name(issuer_cert.get()), subject_public_key, w);
  } catch (...) {
    X509_NAME_free(subject);
    throw;
  }
  X509_NAME_free(subject);
  add_basic_constraints(x.get(), false, std::nullopt);
  bool rsa = EVP_PKEY_get_base_id(subject_public_key.get()) == EVP_PKEY_RSA;  // RSA key transport needs it
  add_conf_ext(x.get(), issuer_cert.get(), NID_key_usage,
               rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
  std::string eku = spec.server_auth && spec.client_auth ? "serverAuth,clientAuth"
                    : spec.client_auth                   ? "clientAuth"
                                                         : "serverAuth";
  add_conf_ext(x.get(), issuer_cert.get(), NID_ext_key_usage, eku.c_str());
  GENERAL_NAMES* san = detail::make_dns_names(dns);
  int rc = X509_add1_ext_i2d(x.get(), NID_subject_alt_name, san, 0, X509V3_ADD_DEFAULT);
  GENERAL_NAMES_free(san);
  if (rc != 1) detail::fail("cannot add subjectAltName");
  add_conf_ext(x.get(), issuer_cert.get(), NID_subject_key_identifier, "hash");
  add_conf_ext(x.get(), issuer_cert.get(), NID_authority_key_identifier, "keyid:always");
  return finish(std::move(x), issuer_key);
}

}  // namespace sarga::pki
