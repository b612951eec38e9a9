// Helpers shared by the two directions of pve_mapping.h: PVE property strings and config
// values read defensively (odd or unparsable values never throw), and the few values both
// directions build.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/pve/guests.h"
#include "lib/pve/prop_string.h"
#include "provider/resources/vm/vm_model.h"

namespace sarga::resources::vm::detail {

using pve::PropString;
inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string lower(std::string s);
opt<std::string> get(const pve::GuestConfig& c, const std::string& key);
opt<int64_t> to_int(const opt<std::string>& s);
// Parses; an unparsable value becomes the positional part (never throws).
PropString props(const std::string& text, std::string_view default_key);
// The positional value, or the value of `key` given as key=value.
opt<std::string> first_or(const PropString& p, std::string_view key);
// Same positional value and the same key=value pairs in any order.
bool same_props(const std::string& a, const std::string& b, std::string_view default_key);
// Sets key=1/0, or erases it when the value is PVE's default.
void set_flag(PropString& p, const std::string& key, const opt<bool>& v, bool pve_default);
std::string volume_storage(const std::string& volume);
bool is_cdrom_value(const PropString& p);
bool is_cloudinit_volume(const std::string& volume);
std::string ipconfig_value(const IpConfig& ip);
std::string join(const std::vector<std::string>& v, const std::string& sep);
std::vector<std::string> split_blank(const std::string& s);
Nic observe_nic(const PropString& p);
// The hostpci value for `h`, keeping unknown options of the current value.
std::string pci_value(const HostPci& h, const opt<std::string>& current);

}  // namespace sarga::resources::vm::detail
