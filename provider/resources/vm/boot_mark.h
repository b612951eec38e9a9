// Which boot of a running VM the state's agent addresses were read in. A refresh asks the
// guest agent again only when the VM restarted since (or nothing was read yet), so a refresh
// of a running VM stays at GET config + GET status/current. Kept in the resource's private
// state (opaque to users, stored by OpenTofu next to the state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lib/pve/guests.h"
#include "provider/resources/vm/vm_model.h"

namespace sarga::resources::vm {

struct BootMark {
  std::string node;
  std::int64_t pid = 0;      // QEMU process id (status/current `pid`; 0 when PVE gives none)
  std::int64_t started = 0;  // unix seconds: read time minus status/current `uptime`
  bool operator==(const BootMark&) const = default;
};

// The boot a status/current shows, read at `now` (unix seconds); nullopt when not running.
std::optional<BootMark> boot_mark(const std::string& node, const pve::GuestStatus& status, std::int64_t now);

// Same QEMU process: same node, same pid (when both known) and a start time within a few
// seconds (uptime is whole seconds and the two reads happen at different moments).
bool same_boot(const BootMark& a, const BootMark& b);

// Whether Read must ask the agent: no prior boot known, another boot now, or the prior
// state lacks the addresses the config cares about (any address; with
// agent.wait_for_ip.family "ipv4"/"ipv6", that family).
bool agent_read_needed(const Vm& prior, const std::optional<BootMark>& prior_boot, const BootMark& now);

// Private state bytes <-> mark. Unreadable or empty bytes (older provider versions) decode
// to nullopt, which makes the next Read ask the agent.
std::string encode_private(const std::optional<BootMark>& mark);
std::optional<BootMark> decode_private(const std::string& bytes);

}  // namespace sarga::resources::vm
