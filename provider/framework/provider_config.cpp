#include "provider/framework/provider_config.h"

#include <cstdlib>
#include <regex>

#include "provider/framework/operations.h"
#include "provider/framework/validators.h"

namespace sarga::framework {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

namespace {

// Checks shared by HCL validators and environment values; empty string = fine.
std::string url_problem(const std::string& v) {
  static const std::regex re(R"(https?://[^\s/?#]+(:[0-9]+)?(/[^\s]*)?)");
  if (!std::regex_match(v, re)) return "must be an http(s) URL such as https://host:8006, got \"" + v + "\"";
  return {};
}

std::string pve_token_problem(const std::string& v) {
  // USER@REALM!TOKENID=SECRET; the value is a secret, so never echo it.
  static const std::regex re(R"([^@\s!=]+@[^@\s!=]+![A-Za-z0-9][A-Za-z0-9._-]*=\S+)");
  if (!std::regex_match(v, re)) return "must look like USER@REALM!TOKENID=SECRET (value not shown)";
  return {};
}

std::string fingerprint_problem(const std::string& v) {
  static const std::regex re(R"(([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{64})");
  if (!std::regex_match(v, re)) return "must be the SHA-256 of the certificate as 32 hex bytes AA:BB:..., got \"" + v + "\"";
  return {};
}

std::string username_problem(const std::string& v) {
  static const std::regex re(R"([^@\s:]+@[^@\s:!]+)");
  if (!std::regex_match(v, re)) return "must look like USER@REALM (e.g. root@pam), got \"" + v + "\"";
  return {};
}

std::string concurrency_problem(const std::string& v, int& out) {
  static const std::regex re(R"([0-9]{1,4})");
  if (std::regex_match(v, re)) {
    out = std::stoi(v);
    if (out >= 1 && out <= 256) return {};
  }
  return "must be a whole number from 1 to 256, got \"" + v + "\"";
}

std::string bool_problem(const std::string& v, bool& out) {
  if (v == "1" || v == "true" || v == "TRUE" || v == "yes") { out = true; return {}; }
  if (v == "0" || v == "false" || v == "FALSE" || v == "no") { out = false; return {}; }
  return "must be true or false, got \"" + v + "\"";
}

const std::vector<std::string> kPlugDrivers = {"home_assistant", "shelly_gen2", "shelly_gen1", "tasmota", "shelly"};

std::string driver_problem(const std::string& v) {
  for (const auto& d : kPlugDrivers) {
    if (d == v) return {};
  }
  return "must be one of home_assistant, shelly_gen2, shelly_gen1, tasmota, got \"" + v + "\"";
}

Validator from_problem(std::string (*check)(const std::string&)) {
  return [check](const cty::Value& v, const cty::Path& path, Diagnostics& diags) {
    if (v.type().kind() != cty::Kind::String) return;
    std::string p = check(v.as_string());
    if (!p.empty()) diags.error(path, "Invalid provider setting", path.to_string() + " " + p + ".");
  };
}

// One setting: HCL value when set, else the first environment variable that is set.
struct Lookup {
  const cty::Value& block;
  const EnvLookup& env;

  std::optional<std::string> hcl(const char* name) const {
    if (block.is_null() || !block.is_known()) return std::nullopt;
    const cty::Value* v = block.find_attribute(name);
    if (!v || v->is_null() || !v->is_known()) return std::nullopt;
    if (v->type().kind() == cty::Kind::Bool) return v->as_bool() ? "true" : "false";
    if (v->type().kind() == cty::Kind::Number) {
      double d = v->as_double();
      if (d == static_cast<double>(static_cast<long long>(d))) return std::to_string(static_cast<long long>(d));
      return std::to_string(d);
    }
    return v->as_string();
  }

  // Returns the value and, through `from_env`, the variable it came from ("" for HCL).
  std::string get(const char* name, std::initializer_list<const char*> vars, std::string& from_env) const {
    from_env.clear();
    if (auto v = hcl(name)) return *v;
    for (const char* var : vars) {
      if (auto v = env(var)) {
        from_env = var;
        return *v;
      }
    }
    return {};
  }
};

cty::Value block_of(const cty::Value& config, const char* name) {
  if (config.is_null() || !config.is_known() || !config.type().is_object()) return cty::Value();
  const cty::Value* v = config.find_attribute(name);
  return v ? *v : cty::Value();
}

void note(std::string& problems, const std::string& var, const std::string& problem) {
  if (problem.empty()) return;
  if (!problems.empty()) problems += "; ";
  problems += var + " " + problem;
}

}  // namespace

Schema ProviderConfig::schema() {
  Schema s;
  s.description =
      "Settings for the Proxmox VE API, OpenBao and the bastion smart plug. Every setting can "
      "also come from the environment; values in HCL win. Settings are only required by the "
      "resources that use them.";
  Block proxmox;
  proxmox.description = "Proxmox VE API access.";
  proxmox.attributes = {
      Attribute::string("endpoint").optional().validate(from_problem(url_problem))
          .describe("API URL such as `https://pve.example:8006`. Environment: `SARGA_PROXMOX_ENDPOINT`, `PROXMOX_VE_ENDPOINT`."),
      Attribute::string("api_token").optional().sensitive().validate(from_problem(pve_token_problem))
          .describe("API token `USER@REALM!TOKENID=SECRET`. Environment: `SARGA_PROXMOX_API_TOKEN`, `PROXMOX_VE_API_TOKEN`."),
      Attribute::boolean("insecure").optional()
          .describe("Skip TLS certificate verification (only for lab hosts with self-signed certificates). Environment: `SARGA_PROXMOX_INSECURE`, `PROXMOX_VE_INSECURE`."),
      Attribute::string("ca_file").optional()
          .describe("PEM file with the CA that signed the Proxmox certificate. Environment: `SARGA_PROXMOX_CA_FILE`."),
      Attribute::string("fingerprint").optional().validate(from_problem(fingerprint_problem))
          .describe("SHA-256 fingerprint of the node certificate (`AA:BB:...`, as the PVE web UI shows it under "
                    "Certificates). The connection is accepted only when the certificate matches; this replaces CA "
                    "checks for self-signed nodes and wins over `insecure`. Environment: `SARGA_PROXMOX_FINGERPRINT`."),
      Attribute::string("username").optional().validate(from_problem(username_problem))
          .describe("User for ticket (password) authentication, `USER@REALM` such as `root@pam`; used when no "
                    "`api_token` is set. Tickets are renewed before they expire. Environment: "
                    "`SARGA_PROXMOX_USERNAME`, `PROXMOX_VE_USERNAME`."),
      Attribute::string("password").optional().sensitive()
          .describe("Password of `username`. Environment: `SARGA_PROXMOX_PASSWORD`, `PROXMOX_VE_PASSWORD`."),
      Attribute::number("max_concurrent_requests").optional().validate(validators::int_between(1, 256))
          .describe("Most Proxmox API requests in flight at once, over all resources (default 8). Environment: "
                    "`SARGA_PROXMOX_MAX_CONCURRENT`."),
  };
  Block openbao;
  openbao.description = "OpenBao (or Vault) access for PKI resources.";
  openbao.attributes = {
      Attribute::string("address").optional().validate(from_problem(url_problem))
          .describe("Server URL such as `https://bao.example:8200`. Environment: `SARGA_BAO_ADDR`, `BAO_ADDR`, `VAULT_ADDR`."),
      Attribute::string("token").optional().sensitive()
          .describe("Token. Environment: `SARGA_BAO_TOKEN`, `BAO_TOKEN`, `VAULT_TOKEN`."),
      Attribute::string("ca_file").optional()
          .describe("PEM file with the CA of the server certificate. Environment: `SARGA_BAO_CACERT`, `BAO_CACERT`, `VAULT_CACERT`."),
      Attribute::string("namespace").optional()
          .describe("Namespace for every request (`X-Vault-Namespace`, e.g. `team/a`). Environment: `SARGA_BAO_NAMESPACE`, `BAO_NAMESPACE`, `VAULT_NAMESPACE`."),
      Attribute::boolean("insecure").optional()
          .describe("Skip TLS certificate verification (lab servers only). Environment: `SARGA_BAO_SKIP_VERIFY`, `BAO_SKIP_VERIFY`, `VAULT_SKIP_VERIFY`."),
  };
  Block plug;
  plug.description = "Smart plug that powers the bastion host.";
  plug.attributes = {
      Attribute::string("driver").optional().validate(validators::one_of(kPlugDrivers))
          .describe("`home_assistant`, `shelly_gen2` (`shelly` is the same), `shelly_gen1` or `tasmota`. Environment: `SARGA_PLUG_DRIVER`."),
      Attribute::string("address").optional().validate(from_problem(url_problem))
          .describe("Base URL of the plug (or of Home Assistant). Environment: `SARGA_PLUG_ADDRESS`."),
      Attribute::string("token").optional().sensitive()
          .describe("Access token (Home Assistant long-lived token). Environment: `SARGA_PLUG_TOKEN`."),
      Attribute::string("username").optional()
          .describe("Web user of a Shelly Gen1 or Tasmota plug (default `admin`; Shelly Gen2 always uses `admin`). Environment: `SARGA_PLUG_USERNAME`."),
      Attribute::string("password").optional().sensitive()
          .describe("Password of a Shelly or Tasmota plug. Environment: `SARGA_PLUG_PASSWORD`."),
      Attribute::boolean("insecure").optional()
          .describe("Skip TLS certificate verification for an `https://` plug address (explicit opt-in). Environment: `SARGA_PLUG_INSECURE`."),
      Attribute::string("ca_file").optional()
          .describe("PEM file with the CA of the plug's (or Home Assistant's) certificate. Environment: `SARGA_PLUG_CA_FILE`."),
  };
  s.block.blocks = {
      NestedBlock("proxmox", Nesting::Single, std::move(proxmox)),
      NestedBlock("openbao", Nesting::Single, std::move(openbao)),
      NestedBlock("plug", Nesting::Single, std::move(plug)),
  };
  return s;
}

void ProviderConfig::validate(const cty::Value& config, Diagnostics& diagnostics) {
  static const Schema s = schema();
  validate_against_schema(s.block, config, diagnostics);
}

ProviderConfig ProviderConfig::from(const cty::Value& config, const EnvLookup& env) {
  ProviderConfig c;
  std::string var;

  cty::Value pve = block_of(config, "proxmox");
  Lookup p{pve, env};
  c.proxmox_.endpoint = p.get("endpoint", {"SARGA_PROXMOX_ENDPOINT", "PROXMOX_VE_ENDPOINT"}, var);
  if (!var.empty()) note(c.proxmox_problem_, var, url_problem(c.proxmox_.endpoint));
  c.proxmox_.api_token = p.get("api_token", {"SARGA_PROXMOX_API_TOKEN", "PROXMOX_VE_API_TOKEN"}, var);
  if (!var.empty()) note(c.proxmox_problem_, var, pve_token_problem(c.proxmox_.api_token));
  std::string insecure = p.get("insecure", {"SARGA_PROXMOX_INSECURE", "PROXMOX_VE_INSECURE"}, var);
  if (!insecure.empty()) {
    std::string problem = bool_problem(insecure, c.proxmox_.insecure);
    note(c.proxmox_problem_, var.empty() ? "proxmox.insecure" : var, problem);
  }
  c.proxmox_.ca_file = p.get("ca_file", {"SARGA_PROXMOX_CA_FILE"}, var);
  c.proxmox_.fingerprint = p.get("fingerprint", {"SARGA_PROXMOX_FINGERPRINT"}, var);
  if (!var.empty()) note(c.proxmox_problem_, var, fingerprint_problem(c.proxmox_.fingerprint));
  c.proxmox_.username = p.get("username", {"SARGA_PROXMOX_USERNAME", "PROXMOX_VE_USERNAME"}, var);
  if (!var.empty()) note(c.proxmox_problem_, var, username_problem(c.proxmox_.username));
  c.proxmox_.password = p.get("password", {"SARGA_PROXMOX_PASSWORD", "PROXMOX_VE_PASSWORD"}, var);
  std::string concurrency = p.get("max_concurrent_requests", {"SARGA_PROXMOX_MAX_CONCURRENT"}, var);
  if (!concurrency.empty())
    note(c.proxmox_problem_, var.empty() ? "proxmox.max_concurrent_requests" : var,
         concurrency_problem(concurrency, c.proxmox_.max_concurrent_requests));

  cty::Value bao = block_of(config, "openbao");
  Lookup b{bao, env};
  c.openbao_.address = b.get("address", {"SARGA_BAO_ADDR", "BAO_ADDR", "VAULT_ADDR"}, var);
  if (!var.empty()) note(c.openbao_problem_, var, url_problem(c.openbao_.address));
  c.openbao_.token = b.get("token", {"SARGA_BAO_TOKEN", "BAO_TOKEN", "VAULT_TOKEN"}, var);
  c.openbao_.ca_file = b.get("ca_file", {"SARGA_BAO_CACERT", "BAO_CACERT", "VAULT_CACERT"}, var);
  c.openbao_.namespace_ = b.get("namespace", {"SARGA_BAO_NAMESPACE", "BAO_NAMESPACE", "VAULT_NAMESPACE"}, var);
  std::string bao_insecure = b.get("insecure", {"SARGA_BAO_SKIP_VERIFY", "BAO_SKIP_VERIFY", "VAULT_SKIP_VERIFY"}, var);
  if (!bao_insecure.empty()) {
    std::string problem = bool_problem(bao_insecure, c.openbao_.insecure);
    note(c.openbao_problem_, var.empty() ? "openbao.insecure" : var, problem);
  }

  cty::Value plug = block_of(config, "plug");
  Lookup g{plug, env};
  c.plug_.driver = g.get("driver", {"SARGA_PLUG_DRIVER"}, var);
  if (!var.empty()) note(c.plug_problem_, var, driver_problem(c.plug_.driver));
  c.plug_.address = g.get("address", {"SARGA_PLUG_ADDRESS"}, var);
  if (!var.empty()) note(c.plug_problem_, var, url_problem(c.plug_.address));
  c.plug_.token = g.get("token", {"SARGA_PLUG_TOKEN"}, var);
  c.plug_.username = g.get("username", {"SARGA_PLUG_USERNAME"}, var);
  c.plug_.password = g.get("password", {"SARGA_PLUG_PASSWORD"}, var);
  std::string plug_insecure = g.get("insecure", {"SARGA_PLUG_INSECURE"}, var);
  if (!plug_insecure.empty())
    note(c.plug_problem_, var.empty() ? "plug.insecure" : var, bool_problem(plug_insecure, c.plug_.insecure));
  c.plug_.ca_file = g.get("ca_file", {"SARGA_PLUG_CA_FILE"}, var);
  return c;
}

namespace {

bool missing(const std::string& who, const char* what, const std::vector<std::string>& needed,
             const std::string& problem, Diagnostics& diags) {
  if (!problem.empty()) {
    diags.error("Invalid " + std::string(what) + " settings",
                who + " needs " + what + ", but the environment is invalid: " + problem + ".");
    return true;
  }
  if (needed.empty()) return false;
  std::string list;
  for (const auto& n : needed) list += "\n  - " + n;
  diags.error("Missing " + std::string(what) + " settings",
              who + " needs " + what + ". Set these in the provider block or the environment:" + list);
  return true;
}

}  // namespace

const ProxmoxSettings* ProviderConfig::require_proxmox(const std::string& who, Diagnostics& diags) const {
  std::vector<std::string> needed;
  if (proxmox_.endpoint.empty()) needed.push_back("proxmox { endpoint } or PROXMOX_VE_ENDPOINT");
  if (proxmox_.api_token.empty()) {
    if (proxmox_.username.empty() && proxmox_.password.empty())
      needed.push_back("proxmox { api_token } or PROXMOX_VE_API_TOKEN (or username + password)");
    else if (proxmox_.username.empty())
      needed.push_back("proxmox { username } or PROXMOX_VE_USERNAME (a password is set)");
    else if (proxmox_.password.empty())
      needed.push_back("proxmox { password } or PROXMOX_VE_PASSWORD (a username is set)");
  }
  if (missing(who, "the Proxmox VE API", needed, proxmox_problem_, diags)) return nullptr;
  return &proxmox_;
}

const OpenBaoSettings* ProviderConfig::require_openbao(const std::string& who, Diagnostics& diags) const {
  std::vector<std::string> needed;
  if (openbao_.address.empty()) needed.push_back("openbao { address } or BAO_ADDR (VAULT_ADDR)");
  if (openbao_.token.empty()) needed.push_back("openbao { token } or BAO_TOKEN (VAULT_TOKEN)");
  if (missing(who, "OpenBao", needed, openbao_problem_, diags)) return nullptr;
  return &openbao_;
}

const PlugSettings* ProviderConfig::require_plug(const std::string& who, Diagnostics& diags) const {
  std::vector<std::string> needed;
  if (plug_.driver.empty()) needed.push_back("plug { driver } or SARGA_PLUG_DRIVER");
  if (plug_.address.empty()) needed.push_back("plug { address } or SARGA_PLUG_ADDRESS");
  if (missing(who, "a smart plug", needed, plug_problem_, diags)) return nullptr;
  return &plug_;
}

}  // namespace sarga::framework
