// Proxmox task identifiers: UPID:node:PID:PSTART:STARTTIME:type:id:user:
// (pve-common PVE/Tools.pm upid_encode / upid_decode).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sarga::pvesim {

struct Upid {
  std::string node;
  uint32_t pid = 0;
  uint64_t pstart = 0;  // 8 hex digits, 9 after ~497 days of uptime
  uint32_t starttime = 0;
  std::string type;
  std::string id;    // may be empty
  std::string user;  // user@realm or user@realm!token
};

// "UPID:%s:%08X:%08X:%08X:%s:%s:%s:" exactly as PVE writes it.
std::string format_upid(const Upid& upid);

// Accepts what PVE's decoder accepts (upper- or lowercase hex, pstart of 8 or 9 digits).
std::optional<Upid> parse_upid(std::string_view text);

}  // namespace sarga::pvesim
