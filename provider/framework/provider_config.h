// The `provider "sarga" {}` block: Proxmox VE, OpenBao and smart-plug settings, each with
// environment-variable fallbacks. Missing settings are only an error when a resource that
// needs them is used (require_*), so a config with only local resources needs nothing.
//
// | setting                       | attribute                | environment (first set wins)                     |
// |-------------------------------|--------------------------|--------------------------------------------------|
// | Proxmox API URL               | proxmox.endpoint         | SARGA_PROXMOX_ENDPOINT, PROXMOX_VE_ENDPOINT      |
// | Proxmox API token             | proxmox.api_token        | SARGA_PROXMOX_API_TOKEN, PROXMOX_VE_API_TOKEN    |
// | skip TLS verification         | proxmox.insecure         | SARGA_PROXMOX_INSECURE, PROXMOX_VE_INSECURE      |
// | CA bundle for Proxmox         | proxmox.ca_file          | SARGA_PROXMOX_CA_FILE                            |
// | Proxmox cert SHA-256 pin      | proxmox.fingerprint      | SARGA_PROXMOX_FINGERPRINT                        |
// | Proxmox user (ticket auth)    | proxmox.username         | SARGA_PROXMOX_USERNAME, PROXMOX_VE_USERNAME      |
// | Proxmox password              | proxmox.password         | SARGA_PROXMOX_PASSWORD, PROXMOX_VE_PASSWORD      |
// | Proxmox requests in flight    | proxmox.max_concurrent_requests | SARGA_PROXMOX_MAX_CONCURRENT (default 8)  |
// | OpenBao address               | openbao.address          | SARGA_BAO_ADDR, BAO_ADDR, VAULT_ADDR             |
// | OpenBao token                 | openbao.token            | SARGA_BAO_TOKEN, BAO_TOKEN, VAULT_TOKEN          |
// | OpenBao CA bundle             | openbao.ca_file          | SARGA_BAO_CACERT, BAO_CACERT, VAULT_CACERT       |
// | OpenBao namespace             | openbao.namespace        | SARGA_BAO_NAMESPACE, BAO_NAMESPACE, VAULT_NAMESPACE |
// | skip OpenBao TLS verification | openbao.insecure         | SARGA_BAO_SKIP_VERIFY, BAO_SKIP_VERIFY, VAULT_SKIP_VERIFY |
// | plug driver                   | plug.driver              | SARGA_PLUG_DRIVER (home_assistant, shelly_gen2, shelly_gen1, tasmota) |
// | plug base URL                 | plug.address             | SARGA_PLUG_ADDRESS                               |
// | plug token                    | plug.token               | SARGA_PLUG_TOKEN                                 |
// | plug user (Shelly, Tasmota)   | plug.username            | SARGA_PLUG_USERNAME                              |
// | plug password                 | plug.password            | SARGA_PLUG_PASSWORD                              |
// | plug TLS: skip verification   | plug.insecure            | SARGA_PLUG_INSECURE                              |
// | plug TLS: CA bundle           | plug.ca_file             | SARGA_PLUG_CA_FILE                               |
//
// Attributes set in HCL win over the environment.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "provider/cty/value.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/schema.h"

namespace sarga::framework {

struct ProxmoxSettings {
  std::string endpoint;   // https://host:8006 (no trailing /api2/json)
  std::string api_token;  // USER@REALM!TOKENID=SECRET (secret: never logged)
  bool insecure = false;  // skip TLS verification (explicit opt-in)
  std::string ca_file;
  std::string fingerprint;  // SHA-256 of the node certificate "AA:BB:.."; replaces CA checks
  std::string username;     // ticket auth (when no api_token): root@pam
  std::string password;     // secret: never logged
  int max_concurrent_requests = 8;
};

struct OpenBaoSettings {
  std::string address;  // https://bao.example:8200
  std::string token;    // secret
  std::string ca_file;
  std::string namespace_;  // X-Vault-Namespace ("team/a"); empty: root namespace
  bool insecure = false;   // skip TLS verification (explicit opt-in)
};

struct PlugSettings {
  std::string driver;   // home_assistant | shelly_gen2 (or shelly) | shelly_gen1 | tasmota
  std::string address;  // base URL of the plug or of Home Assistant
  std::string token;    // secret (Home Assistant long-lived token, or empty)
  std::string username; // Shelly Gen1 / Tasmota web user (default admin)
  std::string password; // secret (Shelly / Tasmota)
  bool insecure = false;
  std::string ca_file;
};

// Reads an environment variable; replaceable in tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

class ProviderConfig {
 public:
  // Schema of the provider block.
  static Schema schema();

  // Checks values set in HCL (shape of URLs and tokens) with attribute paths.
  static void validate(const cty::Value& config, Diagnostics& diagnostics);

  // Merges HCL values (config may be null) with the environment. Problems in environment
  // values are remembered and reported by require_*, naming the variable.
  static ProviderConfig from(const cty::Value& config, const EnvLookup& env = process_env());

  // The settings, or nullptr plus an error diagnostic saying what is missing or invalid
  // and how to set it (`who` names the resource asking, e.g. "sarga_vm").
  const ProxmoxSettings* require_proxmox(const std::string& who, Diagnostics& diagnostics) const;
  const OpenBaoSettings* require_openbao(const std::string& who, Diagnostics& diagnostics) const;
  const PlugSettings* require_plug(const std::string& who, Diagnostics& diagnostics) const;

  // Raw access (values may be empty); for diagnostics and tests.
  const ProxmoxSettings& proxmox() const { return proxmox_; }
  const OpenBaoSettings& openbao() const { return openbao_; }
  const PlugSettings& plug() const { return plug_; }
  // Invalid plug environment values ("SARGA_PLUG_DRIVER must be ..."), empty when fine; the
  // bastion resources merge per-resource settings over plug() and report this themselves.
  const std::string& plug_problem() const { return plug_problem_; }

 private:
  ProxmoxSettings proxmox_;
  OpenBaoSettings openbao_;
  PlugSettings plug_;
  std::string proxmox_problem_, openbao_problem_, plug_problem_;  // invalid env values
};

}  // namespace sarga::framework
