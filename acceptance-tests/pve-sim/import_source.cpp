#include "acceptance-tests/pve-sim/import_source.h"

#include <filesystem>
#include <regex>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/guest_ops.h"
#include "acceptance-tests/pve-sim/prop_string.h"

namespace sarga::pvesim {

void check_import_sources(SimCore& core, const std::string& node, const Call& call) {
  static const std::regex zero_size("^[a-zA-Z][a-zA-Z0-9\\-_.]*:0$");
  for (const auto& [key, value] : call.v.values) {
    if (!is_qemu_disk_key(key) && !is_lxc_disk_key(key)) continue;
    PropString p = parse_prop_string(value, "file");
    auto it = p.options.find("import-from");
    if (it == p.options.end()) continue;
    const std::string& source = it->second;
    if (!std::regex_match(p.positional, zero_size))
      throw param_error(key, "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>");
    if (!source.empty() && source[0] == '/') {
      // PVE::Storage::check_volume_access compares the authenticated user, which for a
      // token is "root@pam!id": only a root@pam ticket may name host paths.
      if (call.caller.owner() != "root@pam") throw server_error("Only root can pass arbitrary filesystem paths.");
      continue;
    }
    if (source.find("-cloudinit") != std::string::npos) throw server_error("cannot import from cloudinit disk");
    Volume* v = core.find_volume(node, source);
    if (!v) throw server_error("volume '" + source + "' does not exist");
    if (v->content != "images" && v->content != "import")
      throw param_error(key, source + " has wrong type '" + v->content + "' - needs to be 'images' or 'import'");
  }
}

uint64_t import_source_size(SimCore& core, const std::string& node, const std::string& source) {
  if (!source.empty() && source[0] == '/') {
    std::error_code ec;
    auto size = std::filesystem::file_size(source, ec);
    if (ec) throw server_error("could not get file size of '" + source + "'");
    return size;
  }
  Volume* v = core.find_volume(node, source);
  if (!v) throw server_error("volume '" + source + "' does not exist");
  return v->virtual_size ? v->virtual_size : v->size;
}

}  // namespace sarga::pvesim
