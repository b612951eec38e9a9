#include "provider/resources/org_intermediate/resource.h"

#include "provider/resources/org_intermediate/backend.h"
#include "provider/resources/org_intermediate/certificate_state.h"
#include "provider/resources/org_intermediate/renewal.h"
#include "provider/resources/org_intermediate/schema.h"
#include "provider/resources/org_intermediate/spec.h"

namespace sarga::resources::org_intermediate {
namespace {

using framework::Model;

cty::Path at(const char* name) { return cty::Path().attribute(name); }

// Attributes a backend does not use; setting them is a mistake worth an error.
const std::vector<const char*> kOpenBaoOnly = {"mount", "root_mount", "root_issuer", "key_ref",
                                               "mount_max_ttl", "issuing_certificates",
                                               "crl_distribution_points", "roles"};
const std::vector<const char*> kLocalOnly = {"root_certificate_pem", "root_certificate_file",
                                             "root_key_pem", "root_key_file", "private_key_file"};

// Changing these replaces the CA. Handled here rather than with requires_replace() so that
// an imported state (null where import cannot know the value) is completed in place.
const std::vector<const char*> kReplaceOnChange = {"backend", "name", "mount", "key_type",
                                                   "key_ref", "root_mount", "root_issuer",
                                                   "private_key_file"};

std::unique_ptr<CaBackend> backend_for(Backend b) {
  return b == Backend::local ? make_local_backend() : make_openbao_backend();
}

std::unique_ptr<CaBackend> backend_of(const Model& m) {
  return backend_for(m.get_string("backend").value_or("openbao") == "local" ? Backend::local
                                                                            : Backend::openbao);
}

void set_unknown(Model& m, const char* name) { m.set(name, cty::Value::unknown(m.get(name).type())); }
void set_null(Model& m, const char* name) { m.set(name, cty::Value::null(m.get(name).type())); }

class OrgIntermediate final : public framework::Resource {
 public:
  std::string type_name() const override { return "sarga_org_intermediate"; }
  framework::Schema schema() const override { return resource_schema(); }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& diags) const override {
    const Model& c = req.config;
    SpecResult r = read_spec(c, true, diags);
    if (!c.is_known("backend")) return;
    bool local = r.spec.backend == Backend::local;
    const auto& foreign = local ? kOpenBaoOnly : kLocalOnly;
    for (const char* name : foreign)
      if (!c.is_null(name))
        diags.error(at(name), "Attribute not used by this backend",
                    std::string(name) + " only applies to backend = \"" + (local ? "openbao" : "local") +
                        "\"; remove it or change backend.");
    if (!local) {
      if (c.is_null("root_mount"))
        diags.error(at("root_mount"), "Missing root_mount",
                    "backend = \"openbao\" needs root_mount: the path of the PKI mount holding the "
                    "root CA that signs this intermediate (e.g. \"pki_root\").");
      return;
    }
    auto exactly_one = [&](const char* pem, const char* file, const char* what) {
      bool a = !c.is_null(pem), b = !c.is_null(file);
      if (a == b)
        diags.error(at(pem), std::string("Missing or ambiguous ") + what,
                    std::string("backend = \"local\" needs exactly one of ") + pem + " and " + file + ".");
    };
    exactly_one("root_certificate_pem", "root_certificate_file", "root certificate");
    exactly_one("root_key_pem", "root_key_file", "root key");
  }

  void modify_plan(const framework::ModifyPlanRequest& req, framework::ModifyPlanResponse& resp) override {
    Model& plan = resp.plan;
    if (plan.is_null()) return;  // destroy
    framework::Diagnostics ignored;  // validate() already reported input problems
    SpecResult r = read_spec(plan, false, ignored);
    const OrgSpec& spec = r.spec;
    bool local = plan.is_known("backend") && spec.backend == Backend::local;

    // Values derived from the configuration, known at plan time.
    if (plan.is_known("backend") && plan.is_known("name")) {
      if (local) {
        plan.set_string("id", "local/" + spec.name);
        for (const char* n : {"mount", "key_id", "issuer_id"}) set_null(plan, n);
        if (!plan.is_null("private_key_file")) set_null(plan, "private_key_pem");
      } else {
        if (req.config.is_null("mount") && (!plan.is_known("mount") || plan.is_null("mount")))
          plan.set_string("mount", spec.mount);
        if (plan.is_known("mount")) plan.set("id", plan.get("mount"));
        set_null(plan, "private_key_pem");
      }
    }
    if (req.prior.is_null()) return;  // create: the framework planned the rest unknown

    for (const char* name : kReplaceOnChange) {
      cty::Value before = req.prior.get(name);
      if (!before.is_null() && plan.get(name) != before) resp.requires_replace.push_back(at(name));
    }

    // Re-issue when renewal is due or the certificate no longer matches the config.
    // (Unknown certificate-shaping values may change it; unknown roles or URLs do not.)
    bool reissue = !plan.is_known("common_name") || !plan.is_known("max_path_length") ||
                   !plan.is_known("permitted_dns_domains");
    // Due-ness is recomputed with the planned renew_before (not the refreshed flag, which
    // used the prior one): an imported state or a changed window is judged by the config.
    bool due = false;
    if (auto pem = req.prior.get_string("certificate")) {
      try {
        CertFacts current = facts_of(*pem);
        due = due || renewal_due(current.not_after, spec.renew_before_seconds, now_unix());
        reissue = reissue || !reissue_reason(current, spec).empty();
      } catch (const std::exception&) {
        reissue = true;  // unreadable certificate in state: issue a good one
      }
    } else {
      reissue = true;
    }
    if (due && spec.rotate_key) {
      set_unknown(plan, "ready_for_renewal");
      resp.requires_replace.push_back(at("ready_for_renewal"));
      return;
    }
    if (due || reissue)
      for (const char* name : certificate_attributes())
        if (!(local && std::string(name) == "issuer_id")) set_unknown(plan, name);
  }

  void create(const framework::CreateRequest& req, framework::CreateResponse& resp) override {
    framework::Diagnostics& d = resp.diagnostics;
    SpecResult r = spec_for_apply(req.plan, req.config, d);
    if (d.has_errors()) return;
    if (!r.complete)
      return d.error("Configuration is not fully known at apply time",
                     "sarga_org_intermediate needs every argument known to issue the CA.");
    backend_for(r.spec.backend)->create(r.spec, req.context, resp.state, resp.created, d);
  }

  void update(const framework::UpdateRequest& req, framework::UpdateResponse& resp) override {
    framework::Diagnostics& d = resp.diagnostics;
    SpecResult r = spec_for_apply(req.plan, req.config, d);
    if (d.has_errors()) return;
    bool reissue = !req.plan.is_known("certificate");
    backend_for(r.spec.backend)->update(r.spec, req.prior, reissue, req.context, resp.state, d);
  }

  void read(const framework::ReadRequest& req, framework::ReadResponse& resp) override {
    Model& state = resp.state;
    // Attributes with defaults are null after import: fill them so the plan stays quiet.
    for (const auto& a : resource_schema().block.attributes)
      if (a.default_val && state.get(a.name).is_null()) state.set(a.name, *a.default_val);
    if (!backend_of(state)->read(req.context, state, resp.diagnostics)) return resp.mark_gone();
    if (resp.diagnostics.has_errors()) return;
    refresh_renewal_flag(state);
  }

  void destroy(const framework::DeleteRequest& req, framework::DeleteResponse& resp) override {
    backend_of(req.state)->destroy(req.state, req.context, resp.diagnostics);
  }

  void import_state(const framework::ImportRequest& req, framework::ImportResponse& resp) override {
    std::string mount = req.id;
    while (!mount.empty() && mount.back() == '/') mount.pop_back();
    if (mount.empty() || mount.find_first_of(" \t\n") != std::string::npos) {
      resp.diagnostics.error("Invalid import id",
                             "import sarga_org_intermediate by the path of its OpenBao PKI mount, "
                             "e.g. `tofu import sarga_org_intermediate.acme pki_org_acme`.");
      return;
    }
    resp.state.set_string("id", mount);
    resp.state.set_string("mount", mount);
    resp.state.set_string("backend", "openbao");
    const std::string prefix = "pki_org_";
    if (mount.starts_with(prefix) && mount.size() > prefix.size())
      resp.state.set_string("name", mount.substr(prefix.size()));
  }

 private:
  // The plan has the defaults and the computed mount; write-only values are only in config.
  static SpecResult spec_for_apply(const Model& plan, const Model& config, framework::Diagnostics& d) {
    SpecResult r = read_spec(plan, false, d);
    r.spec.root_certificate_pem = config.get_string("root_certificate_pem");
    r.spec.root_key_pem = config.get_string("root_key_pem");
    return r;
  }

  static void refresh_renewal_flag(Model& state) {
    auto not_after = state.get_string("certificate");
    if (!not_after) return;
    framework::Diagnostics ignored;
    SpecResult r = read_spec(state, false, ignored);
    try {
      CertFacts f = facts_of(*not_after);
      state.set_bool("ready_for_renewal", renewal_due(f.not_after, r.spec.renew_before_seconds, now_unix()));
    } catch (const std::exception&) {
      state.set_bool("ready_for_renewal", true);
    }
  }
};

}  // namespace

std::unique_ptr<framework::Resource> make_resource() { return std::make_unique<OrgIntermediate>(); }

}  // namespace sarga::resources::org_intermediate
