// Small helpers for the property strings the simulator rewrites (disk and NIC values):
// a positional first value plus key=value options. Validation against the real formats is
// the schema library's job; this only splits and joins values that already passed it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sarga::pvesim {

struct PropString {
  std::string positional;                     // "local-lvm:32", "virtio=BC:..", "" if none
  std::map<std::string, std::string> options;  // sorted, as PVE prints them
};

// `default_key` names the key a leading "key=value" would have (e.g. "file" for disks):
// "file=local:iso/x.iso,media=cdrom" and "local:iso/x.iso,media=cdrom" parse the same.
PropString parse_prop_string(std::string_view text, std::string_view default_key);
std::string print_prop_string(const PropString& p);

// "32G", "512M", "1T", "1048576" (bytes without unit) -> bytes. `default_unit` applies to
// a bare number ('G' for resize and new disks, 'B' for raw bytes).
std::optional<uint64_t> parse_size(std::string_view text, char default_unit);
// Bytes -> the largest unit that divides exactly, as PVE's format_size ("32G", "1536M").
std::string format_size(uint64_t bytes);

}  // namespace sarga::pvesim
