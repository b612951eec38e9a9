// Proxmox task identifiers: UPID:node:pid:pstart:starttime:type:id:user:
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sarga::pve {

struct Upid {
  std::string node;
  std::uint32_t pid = 0;
  std::uint64_t pstart = 0;
  std::uint32_t starttime = 0;
  std::string type;
  std::string id;  // may be empty
  std::string user;
  std::string text;  // the whole UPID as received
};

// Follows pve-common's grammar (hex fields of fixed width, pstart 8 or 9 digits,
// trailing colon). nullopt for anything else.
std::optional<Upid> parse_upid(std::string_view text);

}  // namespace sarga::pve
