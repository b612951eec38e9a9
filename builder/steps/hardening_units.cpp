// systemd unit enablement done on files, the way `systemctl --root=DIR enable` does it:
// no running systemd needed, so it works in the build and in tests alike.
#include <filesystem>

#include "builder/steps/hardening.h"

namespace fs = std::filesystem;

namespace sarga::steps::hardening {

namespace {

constexpr const char* kAdminUnits = "/etc/systemd/system/";

bool masked(const Rootfs& r, const std::string& unit) {
  std::error_code ec;
  fs::path p = r.host(kAdminUnits + unit, false);
  return fs::is_symlink(p, ec) && fs::read_symlink(p, ec) == "/dev/null";
}

// Guest path a link in `dir` points at (relative targets resolve against `dir`).
std::string link_target(const Rootfs& r, const std::string& dir, const std::string& name) {
  std::error_code ec;
  fs::path t = fs::read_symlink(r.host(dir + "/" + name, false), ec);
  if (ec) return {};
  return t.is_absolute() ? t.string() : (fs::path(dir) / t).lexically_normal().string();
}

}  // namespace

std::optional<std::string> unit_file(const Rootfs& r, const std::string& unit) {
  for (const char* dir : {"/lib/systemd/system/", "/usr/lib/systemd/system/"})
    if (r.exists(dir + unit)) return std::string(dir) + unit;
  return std::nullopt;
}

void enable_unit(const Rootfs& r, const std::string& unit, const std::string& wanted_by,
                 const std::vector<std::string>& aliases) {
  // Without the unit file (yet) the link still names where Debian's package puts it.
  std::string target = unit_file(r, unit).value_or("/lib/systemd/system/" + unit);
  if (masked(r, unit)) r.remove(kAdminUnits + unit);
  r.symlink(target, kAdminUnits + wanted_by + ".wants/" + unit);
  for (const auto& alias : aliases) r.symlink(target, kAdminUnits + alias);
}

std::string unit_enable_problem(const Rootfs& r, const std::string& unit) {
  if (masked(r, unit)) return unit + " is masked";
  for (const auto& dir : r.list(kAdminUnits)) {
    if (dir.size() < 6 || dir.substr(dir.size() - 6) != ".wants") continue;
    std::string wants = kAdminUnits + dir;
    if (!r.lstat(wants + "/" + unit)) continue;
    std::string target = link_target(r, wants, unit);
    if (!target.empty() && r.exists(target)) return {};
    return wants + "/" + unit + " points at a missing unit file";
  }
  return unit + " is not enabled (no .wants link in /etc/systemd/system)";
}

}  // namespace sarga::steps::hardening
