#include <stdexcept>

#include "builder/steps/chroot.h"
#include "builder/steps/hardening.h"
#include "builder/steps/rootfs.h"
#include "builder/steps/steps.h"

namespace sarga::steps {

using hardening::package_installed;

nlohmann::json run_cloud_init(const StepContext& ctx, const tmpl::CloudInitSettings& s) {
  Rootfs r(ctx.rootfs);
  bool installed_now = false;
  if (!package_installed(r, "cloud-init")) {
    if (!s.install) throw std::runtime_error("cloud_init: cloud-init is not installed in the rootfs and install = false");
    ChrootSession session(ctx);
    session.check("apt-get update", {"apt-get", "update"});
    session.check("apt-get install cloud-init",
                  {"apt-get", "-y", "install", "--no-install-recommends", "cloud-init"});
    session.check("apt-get clean", {"apt-get", "clean"});
    installed_now = true;
  }
  // Proxmox attaches a NoCloud (cidata) ISO; ConfigDrive covers citype=configdrive2.
  std::string list;
  for (const auto& d : s.datasources) list += (list.empty() ? "" : ", ") + d;
  list += (list.empty() ? "" : ", ") + std::string("None");
  r.write("/etc/cloud/cloud.cfg.d/90-sarga-datasource.cfg",
          "# Written by sarga-build: Proxmox VE provides a NoCloud seed (cidata).\n"
          "datasource_list: [ " + list + " ]\n");
  if (!s.extra_config.empty()) r.write("/etc/cloud/cloud.cfg.d/99-sarga.cfg", s.extra_config);
  return {{"datasources", s.datasources}, {"installed", installed_now}};
}

}  // namespace sarga::steps
