// The few container calls sarga_lxc makes beyond lib/pve/guests.h: the config as PVE
// would run it after a restart (pending values applied), the keys still pending, and pool
// membership changes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lib/pve/client.h"

namespace sarga::resources::lxc {

struct LiveConfig {
  std::map<std::string, std::string> values;  // pending values applied, as GET config gives them
  std::string digest;
};

// GET /nodes/{node}/lxc/{vmid}/config. Throws pve::Error (not_found when the CT is gone).
LiveConfig fetch_config(const pve::Client& client, const std::string& node, int vmid);
// GET .../status/current -> "running" | "stopped" | ...
std::string fetch_status(const pve::Client& client, const std::string& node, int vmid);
// Keys with a change PVE has not applied yet (GET .../pending).
std::vector<std::string> pending_keys(const pve::Client& client, const std::string& node, int vmid);

// Moves the container between pools ("" = none).
void set_pool(const pve::Client& client, int vmid, const std::string& from, const std::string& to);

}  // namespace sarga::resources::lxc
