#include "provider/resources/org_intermediate/spec.h"

#include <algorithm>

#include "provider/resources/org_intermediate/duration.h"

namespace sarga::resources::org_intermediate {
namespace {

using framework::Model;

cty::Path at(const char* name) { return cty::Path().attribute(name); }

// Reads one attribute; unknown values make the result incomplete.
struct Reader {
  const Model& m;
  framework::Diagnostics& diags;
  bool complete = true;

  std::optional<std::string> str(const char* name) {
    if (!m.is_known(name)) { complete = false; return std::nullopt; }
    return m.get_string(name);
  }
  std::optional<bool> boolean(const char* name) {
    if (!m.is_known(name)) { complete = false; return std::nullopt; }
    return m.get_bool(name);
  }
  std::vector<std::string> strings(const char* name) {
    if (!m.is_known(name)) { complete = false; return {}; }
    return m.get_strings(name).value_or(std::vector<std::string>{});
  }
  // A duration attribute in seconds; a bad one is an error at its path.
  std::optional<int64_t> duration(const char* name) {
    auto text = str(name);
    if (!text) return std::nullopt;
    auto s = parse_duration(*text);
    if (!s || *s <= 0)
      diags.error(at(name), "Invalid duration",
                  std::string(name) + " must be " + kDurationHint + ", got \"" + *text + "\".");
    return s;
  }
};

bool valid_dns_domain(const std::string& d) {
  std::string s = d.size() > 1 && d[0] == '.' ? d.substr(1) : d;
  if (s.empty() || s.size() > 253 || s.back() == '.') return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-') return false;
      label = 0;
      continue;
    }
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
    ++label;
  }
  return true;
}

void read_roles(const Model& m, OrgSpec& spec, SpecResult& r, framework::Diagnostics& diags) {
  // Role domains default to and are checked against permitted_dns_domains: wait for it.
  bool permitted_known = m.is_known("permitted_dns_domains");
  cty::Value roles = m.get("roles");
  if (!roles.is_known()) { r.complete = false; return; }
  if (roles.is_null()) return;
  for (const auto& [name, v] : roles.map_elements()) {
    cty::Path base = at("roles").key(name);
    if (!v.is_wholly_known()) { r.complete = false; continue; }
    Model role(v);
    RoleSpec rs;
    if (auto d = role.get_strings("allowed_domains"))
      rs.allowed_domains = *d;
    else
      rs.allowed_domains = spec.permitted_dns_domains;
    rs.allow_subdomains = role.get_bool("allow_subdomains").value_or(true);
    rs.allow_bare_domains = role.get_bool("allow_bare_domains").value_or(true);
    rs.server_flag = role.get_bool("server_flag").value_or(true);
    rs.client_flag = role.get_bool("client_flag").value_or(false);
    rs.key_type = role.get_string("key_type").value_or("ec-p256");
    rs.ttl = role.get_string("ttl");
    rs.max_ttl = role.get_string("max_ttl");
    for (const char* d : {"ttl", "max_ttl"}) {
      auto text = role.get_string(d);
      if (text && !parse_duration(*text))
        diags.error(base.attribute(d), "Invalid duration",
                    "roles[\"" + name + "\"]." + d + " must be " + kDurationHint + ", got \"" + *text + "\".");
    }
    if (!find_key_algorithm(rs.key_type))
      diags.error(base.attribute("key_type"), "Unknown key type",
                  "roles[\"" + name + "\"].key_type \"" + rs.key_type +
                      "\" is not one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519.");
    if (!permitted_known) {
      r.complete = false;
      spec.roles.emplace(name, std::move(rs));
      continue;
    }
    if (rs.allowed_domains.empty())
      diags.error(base.attribute("allowed_domains"), "Role without domains",
                  "roles[\"" + name + "\"] needs allowed_domains, or permitted_dns_domains on the CA "
                  "to default to: a role that may issue any name defeats the organisation's limits.");
    for (const auto& d : rs.allowed_domains) {
      if (spec.permitted_dns_domains.empty()) break;
      bool inside = std::any_of(spec.permitted_dns_domains.begin(), spec.permitted_dns_domains.end(),
                                [&](const std::string& p) { return dns_within(d, p); });
      if (!inside)
        diags.error(base.attribute("allowed_domains"), "Role domain outside the organisation",
                    "roles[\"" + name + "\"] allows \"" + d +
                        "\", which is outside permitted_dns_domains; certificates for it would "
                        "fail validation under this CA.");
    }
    spec.roles.emplace(name, std::move(rs));
  }
}

}  // namespace

const std::vector<KeyAlgorithm>& key_algorithms() {
  static const std::vector<KeyAlgorithm> all = {
      {"ec-p256", "ec", 256},     {"ec-p384", "ec", 384},     {"rsa-2048", "rsa", 2048},
      {"rsa-3072", "rsa", 3072},  {"rsa-4096", "rsa", 4096},  {"ed25519", "ed25519", 0},
  };
  return all;
}

const KeyAlgorithm* find_key_algorithm(const std::string& name) {
  for (const auto& k : key_algorithms())
    if (k.name == name) return &k;
  return nullptr;
}

std::string default_mount(const std::string& name) { return "pki_org_" + name; }

bool dns_within(const std::string& name, const std::string& base) {
  if (base.empty()) return false;
  std::string n = name.size() > 1 && name[0] == '.' ? name.substr(1) : name;
  if (base[0] == '.') return n.size() > base.size() && n.ends_with(base);
  return n == base || (n.size() > base.size() && n.ends_with("." + base));
}

SpecResult read_spec(const Model& m, bool has_config, framework::Diagnostics& diags) {
  SpecResult r;
  OrgSpec& s = r.spec;
  Reader rd{m, diags};

  if (auto b = rd.str("backend")) s.backend = *b == "local" ? Backend::local : Backend::openbao;
  s.name = rd.str("name").value_or("");
  s.common_name = rd.str("common_name").value_or("");
  // Defaults as in the schema, so a config (where defaults are still null) reads the same.
  s.ttl_seconds = rd.duration("ttl").value_or(8760 * 3600);
  s.renew_before_seconds = rd.duration("renew_before").value_or(720 * 3600);
  s.rotate_key = rd.boolean("rotate_key").value_or(false);
  s.key_type = rd.str("key_type").value_or("ec-p256");
  if (!m.is_known("max_path_length")) {
    rd.complete = false;
  } else if (!m.is_null("max_path_length")) {
    auto n = m.get_int("max_path_length");
    if (!n || *n < 0 || *n > 16)
      diags.error(at("max_path_length"), "Invalid max_path_length",
                  "max_path_length must be a whole number from 0 to 16, or unset for no limit.");
    else
      s.max_path_length = *n;
  }
  s.permitted_dns_domains = rd.strings("permitted_dns_domains");
  for (const auto& d : s.permitted_dns_domains)
    if (!valid_dns_domain(d))
      diags.error(at("permitted_dns_domains"), "Invalid DNS domain",
                  "\"" + d + "\" in permitted_dns_domains is not a lowercase DNS domain "
                  "(a leading dot means subdomains only).");

  s.mount = rd.str("mount").value_or("");
  s.root_mount = rd.str("root_mount").value_or("");
  s.root_issuer = rd.str("root_issuer").value_or("");
  s.key_ref = rd.str("key_ref").value_or("");
  s.mount_max_ttl_seconds = rd.duration("mount_max_ttl");
  s.issuing_certificates = rd.strings("issuing_certificates");
  s.crl_distribution_points = rd.strings("crl_distribution_points");
  s.keep_mount_on_destroy = rd.boolean("keep_mount_on_destroy").value_or(false);
  s.tidy_on_destroy = rd.boolean("tidy_on_destroy").value_or(false);
  s.private_key_file = rd.str("private_key_file");
  s.root_certificate_file = rd.str("root_certificate_file");
  s.root_key_file = rd.str("root_key_file");
  if (has_config) {  // write-only: null in every plan and state
    s.root_certificate_pem = rd.str("root_certificate_pem");
    s.root_key_pem = rd.str("root_key_pem");
  }
  r.complete = rd.complete;
  read_roles(m, s, r, diags);

  if (r.complete && s.ttl_seconds > 0 && s.renew_before_seconds >= s.ttl_seconds)
    diags.error(at("renew_before"), "renew_before is not shorter than ttl",
                "renew_before must be shorter than ttl, otherwise every plan would renew the CA.");
  if (s.mount.empty() && !s.name.empty()) s.mount = default_mount(s.name);
  return r;
}

}  // namespace sarga::resources::org_intermediate
