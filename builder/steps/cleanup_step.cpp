#include <sys/stat.h>

#include <stdexcept>

#include "builder/steps/hardening.h"
#include "builder/steps/rootfs.h"
#include "builder/steps/steps.h"

namespace fs = std::filesystem;

namespace sarga::steps {


nlohmann::json run_cleanup(const StepContext& ctx, const tmpl::CleanupSettings& s) {
  Rootfs r(ctx.rootfs);
  nlohmann::json done = nlohmann::json::array();
  if (s.machine_id) {
    // Empty (not absent): systemd generates a fresh id on first boot; PVE removes it on create.
    if (r.exists("/etc/machine-id")) r.write("/etc/machine-id", "", 0444);
    r.remove("/var/lib/dbus/machine-id");
    r.remove("/var/lib/systemd/random-seed");
    done.push_back("machine-id");
  }
  if (s.ssh_host_keys) {
    for (const auto& name : r.list("/etc/ssh"))
      if (name.rfind("ssh_host_", 0) == 0) r.remove("/etc/ssh/" + name);
    done.push_back("ssh-host-keys");
  }
  if (s.logs) {
    // Truncate regular files under /var/log, keep the directory layout and owners.
    fs::path log = r.host("/var/log");
    std::error_code ec;
    if (fs::is_directory(log, ec))
      for (auto it = fs::recursive_directory_iterator(log); it != fs::recursive_directory_iterator(); ++it)
        if (it->is_regular_file() && !it->is_symlink()) fs::resize_file(it->path(), 0);
    r.remove("/var/cache/ldconfig/aux-cache");
    r.remove("/var/lib/systemd/catalog/database");
    done.push_back("logs");
  }
  if (s.apt_lists) {
    for (const auto& name : r.list("/var/lib/apt/lists"))
      if (name != "partial" && name != "lock") fs::remove_all(r.host("/var/lib/apt/lists/" + name));
    for (const auto& name : r.list("/var/cache/apt"))
      if (name.size() > 4 && name.substr(name.size() - 4) == ".bin") r.remove("/var/cache/apt/" + name);
    r.remove_tree_contents("/var/cache/apt/archives/partial");
    for (const auto& name : r.list("/var/cache/apt/archives"))
      if (name.size() > 4 && name.substr(name.size() - 4) == ".deb") r.remove("/var/cache/apt/archives/" + name);
    done.push_back("apt-lists");
  }
  if (s.tmp) {
    r.remove_tree_contents("/tmp");
    r.remove_tree_contents("/var/tmp");
    done.push_back("tmp");
  }
  if (s.history) {
    r.remove("/root/.bash_history");
    r.remove("/root/.lesshst");
    r.remove("/root/.viminfo");
    r.remove("/root/.wget-hsts");
    for (const auto& user : r.list("/home")) r.remove("/home/" + user + "/.bash_history");
    done.push_back("history");
  }
  // Build-only artefacts that must never ship.
  r.remove("/usr/sbin/policy-rc.d");
  hardening::drop_build_host_resolver(r);
  r.remove("/run/mount/utab");
  for (const auto& p : s.remove) {
    if (p.empty() || p[0] != '/') throw std::runtime_error("cleanup: remove entry \"" + p + "\" must be an absolute path");
    fs::remove_all(r.host(p, false));
  }
  ctx.say("cleanup: " + done.dump());
  return {{"cleaned", done}, {"removed", s.remove}};
}

}  // namespace sarga::steps
