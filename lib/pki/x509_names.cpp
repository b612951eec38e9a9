#include "lib/pki/x509_names.h"

#include <memory>

#include "lib/pki/error.h"
#include "lib/pki/openssl_util.h"

namespace sarga::pki::detail {

X509_NAME* make_name(const NameParts& parts) {
  X509_NAME* name = X509_NAME_new();
  if (!name) fail("cannot allocate a name");
  auto add = [&](const char* field, const std::string& value) {
    if (value.empty()) return;
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      X509_NAME_free(name);
      fail(std::string("invalid subject ") + field + " \"" + value + "\"");
    }
  };
  add("C", parts.country);
  add("O", parts.organization);
  add("OU", parts.organizational_unit);
  add("CN", parts.common_name);
  return name;
}

std::string name_rfc2253(const X509_NAME* name) {
  auto bio = write_bio();
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    fail("cannot print a distinguished name");
  return bio_contents(bio.get());
}

std::string name_entry(const X509_NAME* name, int nid) {
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

GENERAL_NAMES* make_dns_names(const std::vector<std::string>& dns) {
  GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
  if (!names) fail("cannot allocate names");
  for (const auto& d : dns) {
    GENERAL_NAME* g = GENERAL_NAME_new();
    ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
    if (!g || !ia5 || ASN1_STRING_set(ia5, d.data(), static_cast<int>(d.size())) != 1) {
      GENERAL_NAME_free(g);
      ASN1_IA5STRING_free(ia5);
      GENERAL_NAMES_free(names);
      fail("cannot encode DNS name \"" + d + "\"");
    }
    GENERAL_NAME_set0_value(g, GEN_DNS, ia5);
    sk_GENERAL_NAME_push(names, g);
  }
  return names;
}

std::vector<std::string> dns_entries(const GENERAL_NAMES* names) {
  std::vector<std::string> out;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type != GEN_DNS) continue;
    const ASN1_IA5STRING* s = g->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
  }
  return out;
}

std::string dns_name_problem(const std::string& name, bool allow_leading_dot) {
  if (name.empty()) return "is empty";
  if (name.size() > 253) return "is longer than 253 characters";
  std::size_t start = 0;
  if (name[0] == '.') {
    if (!allow_leading_dot) return "starts with a dot";
    start = 1;
  }
  std::size_t label = 0;
  for (std::size_t i = start; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0) return "has an empty label";
      if (label > 63) return "has a label longer than 63 characters";
      if (name[i - 1] == '-' || name[i - label] == '-') return "has a label that starts or ends with '-'";
      label = 0;
      continue;
    }
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return std::string("contains '") + c + "' (only letters, digits, '-' and '.')";
    ++label;
  }
  return {};
}

const EVP_MD* digest_for(EVP_PKEY* key) {
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
}

}  // namespace sarga::pki::detail
