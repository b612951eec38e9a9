// The PVE client set-up both publishers share: required settings, token, TLS (pin, CA file,
// an explicit warning when verification is off) and the build's cancel flag.
#pragma once

#include <string>

#include "builder/publish/publish.h"
#include "lib/pve/client.h"

namespace sarga::publish {

struct PveTarget {
  std::string what;  // post-processor type, prefixes every error ("proxmox-vm-template")
  std::string endpoint, token, fingerprint, ca_file;
  bool insecure = false;
};

// Throws std::runtime_error("<what>: <field> is required") for the first empty field.
void require_settings(const std::string& what, std::initializer_list<std::pair<const std::string*, const char*>> fields);

// A client for `target`; a bad endpoint or token shape is a runtime_error naming the setting
// (never echoing the secret). No request is sent here.
pve::Client connect_to_pve(const PveTarget& target, const PublishContext& ctx);

}  // namespace sarga::publish
