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
  // cc_locale would set LANG=en_US.UTF-8, a locale Debian images do not generate (the `locales`
  // package is there, /etc/locale.gen enables nothing), so update-locale fails and cloud-init ends
  // every first boot in an error state. The image keeps its own locale; user-data can still set one.
  r.write("/etc/cloud/cloud.cfg.d/91-sarga-locale.cfg",
          "# Written by sarga-build: keep the image's locale (C.UTF-8 is built into glibc).\n"
          "locale: false\n");
  if (!s.extra_config.empty()) r.write("/etc/cloud/cloud.cfg.d/99-sarga.cfg", s.extra_config);
  return {{"datasources", s.datasources}, {"installed", installed_now}};
}

}  // namespace sarga::steps
