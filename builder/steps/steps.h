// The provisioner steps that change a rootfs. Each returns a small JSON report that
// goes into manifest.json; each throws std::runtime_error with a clear message.
#pragma once

#include <nlohmann/json.hpp>

#include "builder/steps/context.h"
#include "builder/template/spec.h"

namespace sarga::steps {

// Copies host files/directories (or inline content) into the rootfs with owner and mode.
nlohmann::json run_files(const StepContext& ctx, const tmpl::FilesSettings& settings);
// Runs inline commands or host scripts in the chroot (mounts always undone).
nlohmann::json run_shell(const StepContext& ctx, const tmpl::ShellSettings& settings);
// apt-get update/upgrade/install/remove in the chroot, then cleans apt caches.
nlohmann::json run_packages(const StepContext& ctx, const tmpl::PackagesSettings& settings);
// cloud-init for Proxmox: NoCloud (+ConfigDrive) datasource list, optional install.
nlohmann::json run_cloud_init(const StepContext& ctx, const tmpl::CloudInitSettings& settings);
// Template hygiene: machine-id, ssh host keys, logs, apt lists, /tmp, histories.
nlohmann::json run_cleanup(const StepContext& ctx, const tmpl::CleanupSettings& settings);

}  // namespace sarga::steps
