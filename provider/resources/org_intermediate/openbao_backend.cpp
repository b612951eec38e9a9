// Backend "openbao": the organisation's PKI mount with its key inside OpenBao, signed by a
// root mount. Every certificate OpenBao returns is checked before it is used.
#include <set>

#include "lib/openbao/client.h"
#include "lib/pki/certificate.h"
#include "provider/resources/org_intermediate/backend.h"
#include "provider/resources/org_intermediate/certificate_state.h"
#include "provider/resources/org_intermediate/openbao_session.h"

namespace sarga::resources::org_intermediate {
namespace {

using framework::Model;

cty::Path at(const char* name) { return cty::Path().attribute(name); }

std::string seconds(int64_t s) { return std::to_string(s) + "s"; }

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += "\n  - " + x;
  return out;
}

void surface(const std::vector<std::string>& warnings, const std::string& step, framework::Diagnostics& diags) {
  for (const auto& w : warnings) diags.warning("OpenBao warning (" + step + ")", w);
}

// The root that signs: its issuer, with clear errors for a missing mount or issuer.
std::optional<openbao::Issuer> root_issuer(const openbao::Client& c, const OrgSpec& spec, framework::Diagnostics& diags) {
  std::string ref = spec.root_issuer.empty() ? "default" : spec.root_issuer;
  std::optional<openbao::Issuer> root = c.read_issuer(spec.root_mount, ref);
  if (!root || root->certificate.empty()) {
    diags.error(at(spec.root_issuer.empty() ? "root_mount" : "root_issuer"), "Root CA not found",
                "OpenBao has no issuer \"" + ref + "\" at root_mount \"" + spec.root_mount +
                    "\": the mount does not exist, is not a PKI mount, or holds no root CA yet.");
    return std::nullopt;
  }
  return root;
}

// Finds which of the issuers set-signed reported holds `cert_pem`.
std::string issuer_holding(const openbao::Client& c, const std::string& mount, const openbao::SetSignedResult& r,
                           const pki::Certificate& cert) {
  std::vector<std::string> ids = r.imported_issuers;
  ids.insert(ids.end(), r.existing_issuers.begin(), r.existing_issuers.end());
  for (const auto& id : ids)
    if (auto iss = c.read_issuer(mount, id); iss && !iss->certificate.empty() &&
                                             pki::Certificate::from_pem(iss->certificate).same_as(cert))
      return id;
  for (const auto& id : c.list_issuers(mount))
    if (auto iss = c.read_issuer(mount, id); iss && !iss->certificate.empty() &&
                                             pki::Certificate::from_pem(iss->certificate).same_as(cert))
      return id;
  throw std::runtime_error("set-signed did not import the signed certificate into " + mount);
}

// Generate a CSR (new internal key, or `key_ref`), sign it at the root, check it, import it
// and make it the default issuer. Returns false after an error diagnostic.
bool issue(const openbao::Client& c, const OrgSpec& spec, const std::string& key_ref, Model& state,
           framework::Diagnostics& diags) {
  std::optional<openbao::Issuer> root = root_issuer(c, spec, diags);
  if (!root) return false;

  openbao::GenerateIntermediateRequest g;
  g.common_name = spec.common_name;
  if (key_ref.empty()) {
    const KeyAlgorithm* k = find_key_algorithm(spec.key_type);
    g.type = "internal";
    g.key_type = k->openbao_type;
    g.key_bits = k->openbao_bits;
  } else {
    g.type = "existing";
    g.key_ref = key_ref;
  }
  openbao::GeneratedCsr csr = c.generate_intermediate(spec.mount, g);
  surface(csr.warnings, "generate intermediate", diags);

  openbao::SignIntermediateRequest s;
  s.issuer_ref = spec.root_issuer;
  s.csr = csr.csr;
  s.common_name = spec.common_name;
  s.ttl = seconds(spec.ttl_seconds);
  if (spec.max_path_length) s.max_path_length = static_cast<int>(*spec.max_path_length);
  s.permitted_dns_domains = spec.permitted_dns_domains;
  openbao::SignedCertificate signed_cert = c.sign_intermediate(spec.root_mount, s);
  surface(signed_cert.warnings, "sign intermediate", diags);

  std::vector<std::string> problems = check_issued(signed_cert.certificate, root->certificate, spec);
  if (!problems.empty()) {
    // Never leave a wrong CA certificate valid: revoke it at the root right away.
    std::string revoked = "It was revoked at the root.";
    try {
      c.revoke(spec.root_mount, signed_cert.serial_number);
    } catch (const std::exception& e) {
      revoked = "Revoking it failed, revoke serial " + signed_cert.serial_number + " by hand: " + e.what();
    }
    diags.error("OpenBao issued a certificate that does not match the configuration",
                "The certificate signed by " + spec.root_mount + " differs from what was asked:" + lines(problems) +
                    "\n(OpenBao ignores parameters it does not know.) " + revoked);
    return false;
  }

  std::vector<std::string> chain = chain_from(signed_cert.certificate, {root->certificate});
  std::string bundle;
  for (const auto& pem : chain) bundle += pem;
  openbao::SetSignedResult imported = c.set_signed(spec.mount, bundle);
  surface(imported.warnings, "set-signed", diags);
  pki::Certificate cert = pki::Certificate::from_pem(signed_cert.certificate);
  std::string issuer_id = issuer_holding(c, spec.mount, imported, cert);
  c.set_default_issuer(spec.mount, issuer_id);
  // A leaf asked for past the CA's end is cut to it rather than refused (OpenBao's advice
  // for intermediates); renewal then brings full lifetimes back.
  c.patch_issuer(spec.mount, issuer_id, {{"leaf_not_after_behavior", "truncate"}});

  state.set_string("issuer_id", issuer_id);
  state.set_string("key_id", csr.key_id);
  store_certificate(state, signed_cert.certificate, chain, spec.renew_before_seconds);
  return true;
}

nlohmann::json role_params(const RoleSpec& r) {
  const KeyAlgorithm* k = find_key_algorithm(r.key_type);
  nlohmann::json domains = nlohmann::json::array();
  for (const auto& d : r.allowed_domains) domains.push_back(d.starts_with(".") ? d.substr(1) : d);
  nlohmann::json p = {
      {"issuer_ref", "default"},         {"allowed_domains", domains},
      {"allow_subdomains", r.allow_subdomains}, {"allow_bare_domains", r.allow_bare_domains},
      {"allow_glob_domains", false},     {"allow_any_name", false},
      {"allow_localhost", false},        {"allow_ip_sans", false},
      {"enforce_hostnames", true},       {"server_flag", r.server_flag},
      {"client_flag", r.client_flag},    {"key_type", k ? k->openbao_type : "ec"},
      {"key_bits", k ? k->openbao_bits : 256},
  };
  if (r.ttl) p["ttl"] = *r.ttl;
  if (r.max_ttl) p["max_ttl"] = *r.max_ttl;
  return p;
}

// Writes roles that differ from `before` and deletes those no longer configured.
void sync_roles(const openbao::Client& c, const OrgSpec& spec, const Model* prior) {
  std::map<std::string, cty::Value> before;
  if (prior) {
    cty::Value v = prior->get("roles");
    if (v.is_known() && !v.is_null())
      for (const auto& [k, e] : v.map_elements()) before.emplace(k, e);
  }
  for (const auto& [name, role] : spec.roles) c.write_role(spec.mount, name, role_params(role));
  for (const auto& [name, _] : before)
    if (!spec.roles.count(name)) c.delete_role(spec.mount, name);
}

void write_urls(const openbao::Client& c, const OrgSpec& spec) {
  openbao::UrlsConfig u;
  u.issuing_certificates = spec.issuing_certificates;
  u.crl_distribution_points = spec.crl_distribution_points;
  c.write_urls(spec.mount, u);
}

// Import: what the certificate says fills the arguments import cannot know otherwise.
void fill_imported(Model& state, const pki::Certificate& cert) {
  if (!state.is_null("common_name")) return;
  state.set_string("common_name", cert.subject_cn());
  if (auto p = cert.path_len()) state.set_int("max_path_length", *p);
  auto dns = cert.permitted_dns();
  if (!dns.empty()) state.set_strings("permitted_dns_domains", dns);
  std::string algorithm = cert.public_key().algorithm();
  if (find_key_algorithm(algorithm)) state.set_string("key_type", algorithm);
}

class OpenBaoBackend final : public CaBackend {
 public:
  void create(const OrgSpec& spec, const framework::Context& ctx, Model& state, bool& created,
              framework::Diagnostics& diags) override {
    auto session = OpenBaoSession::open(ctx, diags);
    if (!session) return;
    const openbao::Client& c = session->client();
    std::string step = "check the root CA";
    try {
      if (!root_issuer(c, spec, diags)) return;
      if (spec.key_ref.empty()) {
        step = "enable the PKI mount " + spec.mount;
        if (!adopt_empty_mount(c, spec, diags)) {
          if (diags.has_errors()) return;
          openbao::MountConfig m;
          m.description = "sarga organisation CA " + spec.name;
          m.max_lease_ttl = seconds(spec.mount_max_ttl_seconds.value_or(spec.ttl_seconds));
          c.mount(spec.mount, m);
        }
        created = true;
      }
      state.set_string("id", spec.mount);
      state.set_string("mount", spec.mount);
      if (!spec.issuing_certificates.empty() || !spec.crl_distribution_points.empty()) {
        step = "write " + spec.mount + "/config/urls";
        write_urls(c, spec);
      }
      step = "issue the intermediate";
      if (!issue(c, spec, spec.key_ref, state, diags)) return;
      created = true;
      step = "write the roles";
      sync_roles(c, spec, nullptr);
    } catch (const std::exception& e) {
      diags.error("Cannot create the organisation CA", explain("Failed to " + step, e));
    }
  }

  void update(const OrgSpec& spec, const Model& prior, bool reissue, const framework::Context& ctx, Model& state,
              framework::Diagnostics& diags) override {
    auto session = OpenBaoSession::open(ctx, diags);
    if (!session) return;
    const openbao::Client& c = session->client();
    std::string step;
    try {
      if (prior.get("mount_max_ttl") != state.get("mount_max_ttl") || prior.get("ttl") != state.get("ttl")) {
        step = "tune the mount " + spec.mount;
        openbao::MountTune t;
        t.max_lease_ttl = seconds(spec.mount_max_ttl_seconds.value_or(spec.ttl_seconds));
        c.tune(spec.mount, t);
      }
      if (prior.get("issuing_certificates") != state.get("issuing_certificates") ||
          prior.get("crl_distribution_points") != state.get("crl_distribution_points")) {
        step = "write " + spec.mount + "/config/urls";
        write_urls(c, spec);
      }
      if (reissue) {
        step = "re-issue the intermediate with the same key";
        std::string key = prior.get_string("key_id").value_or(spec.key_ref);
        if (!issue(c, spec, key, state, diags)) return;
      }
      if (prior.get("roles") != state.get("roles")) {
        step = "write the roles";
        sync_roles(c, spec, &prior);
      }
    } catch (const std::exception& e) {
      diags.error("Cannot update the organisation CA", explain("Failed to " + step, e));
    }
  }

  bool read(const framework::Context& ctx, Model& state, framework::Diagnostics& diags) override {
    auto session = OpenBaoSession::open(ctx, diags);
    if (!session) return true;
    const openbao::Client& c = session->client();
    std::string mount = state.get_string("mount").value_or(state.get_string("id").value_or(""));
    try {
      std::string ref = state.get_string("issuer_id").value_or("");
      if (ref.empty()) {  // import: the mount's default issuer is the organisation CA
        std::vector<std::string> issuers = c.list_issuers(mount);
        if (issuers.empty()) {
          diags.error("Nothing to import", "OpenBao mount \"" + mount + "\" does not exist or holds no CA.");
          return true;
        }
        ref = c.read_issuers_config(mount).default_issuer;
      }
      std::optional<openbao::Issuer> iss = c.read_issuer(mount, ref);
      if (!iss || iss->certificate.empty() || iss->key_id.empty()) return false;  // removed out of band
      pki::Certificate cert = pki::Certificate::from_pem(iss->certificate);
      fill_imported(state, cert);
      state.set_string("issuer_id", iss->issuer_id);
      state.set_string("key_id", iss->key_id);
      state.set_string("mount", mount);
      auto stored = state.get_string("certificate");
      if (!stored || !pki::Certificate::from_pem(*stored).same_as(cert)) {
        framework::Diagnostics ignored;
        SpecResult r = read_spec(state, false, ignored);
        store_certificate(state, iss->certificate, iss->ca_chain, r.spec.renew_before_seconds);
      }
      refresh_roles(c, mount, state);
    } catch (const std::exception& e) {
      diags.error("Cannot read the organisation CA", explain("Failed to read " + mount, e));
    }
    return true;
  }

  void destroy(const Model& state, const framework::Context& ctx, framework::Diagnostics& diags) override {
    auto session = OpenBaoSession::open(ctx, diags);
    if (!session) return;
    const openbao::Client& c = session->client();
    std::string mount = state.get_string("mount").value_or("");
    auto root_mount = state.get_string("root_mount");
    if (!root_mount) {
      diags.error(at("root_mount"), "Cannot revoke without root_mount",
                  "the state has no root_mount (imported and never applied): set it and apply before destroying.");
      return;
    }
    std::string step = "list the issuers of " + mount;
    try {
      // Revoke every intermediate this mount holds a key for (renewals leave older ones).
      std::set<std::string> serials;
      if (auto s = state.get_string("serial")) serials.insert(*s);
      for (const auto& id : c.list_issuers(mount)) {
        auto iss = c.read_issuer(mount, id);
        if (!iss || iss->key_id.empty() || iss->certificate.empty()) continue;
        serials.insert(pki::Certificate::from_pem(iss->certificate).serial_colon_hex());
      }
      for (const auto& serial : serials) {
        step = "revoke " + serial + " at " + *root_mount;
        revoke_tolerating_expired(c, *root_mount, serial);
      }
      if (state.get_bool("tidy_on_destroy").value_or(false)) {
        step = "tidy " + *root_mount;
        c.tidy(*root_mount, openbao::TidyRequest{});
      }
      if (!state.get_bool("keep_mount_on_destroy").value_or(false)) {
        step = "disable the mount " + mount;
        c.unmount(mount);
      }
    } catch (const std::exception& e) {
      diags.error("Cannot destroy the organisation CA", explain("Failed to " + step, e));
    }
  }

 private:
  // A mount left empty (a failed create, or its CA deleted out of band) is taken over;
  // one that holds a CA key is somebody's CA: import it instead.
  static bool adopt_empty_mount(const openbao::Client& c, const OrgSpec& spec, framework::Diagnostics& diags) {
    if (!c.mount_exists(spec.mount)) return false;
    for (const auto& id : c.list_issuers(spec.mount))
      if (auto iss = c.read_issuer(spec.mount, id); iss && !iss->key_id.empty()) {
        diags.error(at("mount"), "Mount already holds a CA",
                    "OpenBao mount \"" + spec.mount + "\" already exists with a CA key. Import it "
                    "(tofu import <address> " + spec.mount + ") or choose another mount/name.");
        return false;
      }
    return true;
  }

  static void revoke_tolerating_expired(const openbao::Client& c, const std::string& root, const std::string& serial) {
    try {
      c.revoke(root, serial);
    } catch (const openbao::Error& e) {
      // An expired certificate needs no revocation; OpenBao refuses it.
      for (const auto& m : e.errors())
        if (m.find("expired") != std::string::npos) return;
      throw;
    }
  }

  // Roles deleted out of band leave the state, so the plan writes them again.
  static void refresh_roles(const openbao::Client& c, const std::string& mount, Model& state) {
    cty::Value roles = state.get("roles");
    if (!roles.is_known() || roles.is_null()) return;
    cty::Value::MapElements kept;
    for (const auto& [name, v] : roles.map_elements())
      if (c.read_role(mount, name)) kept.emplace(name, v);
    if (kept.size() == roles.length()) return;
    if (kept.empty())
      state.set("roles", cty::Value::null(roles.type()));
    else
      state.set("roles", cty::Value::map(std::move(kept)));
  }
};

}  // namespace

std::unique_ptr<CaBackend> make_openbao_backend() { return std::make_unique<OpenBaoBackend>(); }

}  // namespace sarga::resources::org_intermediate
