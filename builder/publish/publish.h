// Post-processor "proxmox": upload an LXC template to a PVE storage as vztmpl with a
// checksum, skip when the same content is already there, keep the N newest versions.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "builder/template/spec.h"

namespace sarga::publish {

struct PublishContext {
  std::function<void(const std::string&)> log;  // never receives the token
  std::atomic<bool>* cancel = nullptr;
};

// Template "family" of a file name: everything before the first '_' of
// "<os>-<name>_<version>_<arch>.tar.zst", so versions of one template are grouped.
std::string template_family(const std::string& filename);

// Returns {"volid", "uploaded" (bool), "skipped_reason", "deleted": [...], "storage", "node"}.
nlohmann::json publish_to_proxmox(const tmpl::ProxmoxSettings& settings, const std::filesystem::path& archive,
                                  const std::string& sha256, const PublishContext& ctx);

}  // namespace sarga::publish
