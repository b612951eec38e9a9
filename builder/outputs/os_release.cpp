#include <fstream>
#include <sstream>
#include <stdexcept>

#include "builder/outputs/outputs.h"
#include "builder/steps/rootfs.h"

namespace sarga::outputs {

OsRelease read_os_release(const std::filesystem::path& rootfs) {
  steps::Rootfs r(rootfs);
  auto text = r.read("/etc/os-release");
  if (!text) text = r.read("/usr/lib/os-release");
  if (!text) throw std::runtime_error(rootfs.string() + ": /etc/os-release is missing (Proxmox needs it to detect the OS)");
  OsRelease os;
  for (const auto& raw : steps::split_lines(*text)) {
    auto eq = raw.find('=');
    if (eq == std::string::npos || raw[0] == '#') continue;
    std::string key = steps::trim(raw.substr(0, eq));
    std::string value = steps::trim(raw.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (key == "ID") os.id = value;
    else if (key == "VERSION_ID") os.version_id = value;
    else if (key == "VERSION_CODENAME") os.codename = value;
    else if (key == "PRETTY_NAME") os.pretty_name = value;
  }
  if (os.id.empty()) throw std::runtime_error(rootfs.string() + ": /etc/os-release has no ID");
  return os;
}

std::string rootfs_architecture(const std::filesystem::path& rootfs) {
  auto text = steps::Rootfs(rootfs).read("/var/lib/dpkg/arch");
  if (text) {
    auto lines = steps::split_lines(*text);
    if (!lines.empty() && !steps::trim(lines[0]).empty()) return steps::trim(lines[0]);
  }
  return "amd64";
}

}  // namespace sarga::outputs
