// Post-processor "proxmox-vm-template": upload a disk image to a PVE storage with content
// "import", create a UEFI VM from it, convert it to a template; skip when a template of the same
// name already carries this image's sha256, keep the N newest versions.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "builder/publish/publish.h"
#include "builder/template/spec.h"

namespace sarga::publish {

// Returns {"node","vmid","name","created" (bool),"skipped_reason","import_volume","deleted":[vmids],"sha256"}.
nlohmann::json publish_vm_template(const tmpl::ProxmoxVmTemplateSettings& settings, const std::filesystem::path& image,
                                   const std::string& sha256, const std::string& build_name,
                                   const PublishContext& ctx);

}  // namespace sarga::publish
