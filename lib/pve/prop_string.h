// Proxmox property strings: the comma-separated values of disk, NIC, agent, ipconfig and
// similar config keys, e.g. "local-lvm:vm-100-disk-0,size=32G,iothread=1" or
// "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=20". Order is kept so that a value read from
// PVE, edited with set/erase and written back changes only what was touched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sarga::pve {

struct PropString {
  std::optional<std::string> first;  // the positional, key-less value ("local-lvm:32")
  std::vector<std::pair<std::string, std::string>> items;  // key=value, in order

  // Value of `key` (not the positional one), nullopt when absent.
  std::optional<std::string> get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }
  // Replaces the value in place, or appends the key when absent.
  void set(std::string_view key, std::string value);
  // Removes the key; returns whether it was present.
  bool erase(std::string_view key);
};

// Parses `text`. `default_key` names the key of the positional value ("file" for qemu
// disks, "volume" for lxc rootfs/mp): "file=local:iso/x.iso,media=cdrom" then parses the
// same as "local:iso/x.iso,media=cdrom" (into `first`). Values may be double-quoted
// ("a,b" with \" and \\ escapes), as PVE allows. Throws std::invalid_argument naming the
// position for: an empty key or item, a key-less value after the first item, a duplicate
// key, an unterminated quote. An empty string gives an empty PropString.
PropString parse_prop_string(std::string_view text, std::string_view default_key = {});

// The inverse: positional value first, then key=value in order; values with ',', '"' or a
// leading/trailing blank are quoted. parse(format(p)) == p for every p parse() returns.
std::string format_prop_string(const PropString& p);

// PVE disk sizes ("32G", "512M", "1.5T", "4096" = bytes, units K/M/G/T are binary).
// nullopt for anything else or on overflow.
std::optional<std::uint64_t> parse_size_bytes(std::string_view text);
// Whole GiB as PVE writes them: 32 -> "32G".
std::string format_size_gib(std::uint64_t gib);
// Bytes in the largest unit that divides exactly, as PVE prints sizes: "32G", "1536M", "7".
std::string format_size_bytes(std::uint64_t bytes);

}  // namespace sarga::pve
