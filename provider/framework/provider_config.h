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
// | OpenBao address               | openbao.address          | SARGA_BAO_ADDR, BAO_ADDR, VAULT_ADDR             |
// | OpenBao token                 | openbao.token            | SARGA_BAO_TOKEN, BAO_TOKEN, VAULT_TOKEN          |
// | OpenBao CA bundle             | openbao.ca_file          | SARGA_BAO_CACERT, BAO_CACERT, VAULT_CACERT       |
// | plug driver                   | plug.driver              | SARGA_PLUG_DRIVER (home_assistant, shelly, tasmota) |
// | plug base URL                 | plug.address             | SARGA_PLUG_ADDRESS                               |
// | plug token                    | plug.token               | SARGA_PLUG_TOKEN                                 |
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
};

struct OpenBaoSettings {
  std::string address;  // https://bao.example:8200
  std::string token;    // secret
  std::string ca_file;
};

struct PlugSettings {
  std::string driver;   // home_assistant | shelly | tasmota
  std::string address;  // base URL of the plug or of Home Assistant
  std::string token;    // secret (Home Assistant long-lived token, or empty)
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

 private:
  ProxmoxSettings proxmox_;
  OpenBaoSettings openbao_;
  PlugSettings plug_;
  std::string proxmox_problem_, openbao_problem_, plug_problem_;  // invalid env values
};

}  // namespace sarga::framework
