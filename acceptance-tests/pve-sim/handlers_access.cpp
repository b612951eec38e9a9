// POST /access/ticket and the caller's own permissions.
#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

namespace {

nlohmann::json ticket(SimCore& core, Call& call) {
  int lifetime;
  {
    std::shared_lock lk(core.mutex);
    lifetime = core.timing.ticket_lifetime;
  }
  core.auth.set_ticket_lifetime(lifetime);
  return core.auth.login(call.str("username"), call.str("password"), call.str("realm"), core.wall(),
                         lifetime, core.config.cluster_name);
}

nlohmann::json permissions(SimCore& core, Call& call) {
  nlohmann::json out = nlohmann::json::object();
  auto pool_of = [&](int vmid) { return core.pool_of(vmid); };
  std::vector<std::string> paths = {"/", "/vms", "/storage", "/nodes", "/pool", "/access", "/sdn"};
  if (call.has("path")) paths = {call.str("path")};
  std::shared_lock lk(core.mutex);
  for (const auto& p : paths) {
    nlohmann::json privs = nlohmann::json::object();
    for (const auto& priv : core.auth.privileges(call.caller, p, pool_of)) privs[priv] = 1;
    out[p] = privs;
  }
  return out;
}

}  // namespace

void register_access_handlers(Router& r) {
  r.add("POST", "/access/ticket", ticket);
  r.add("GET", "/access/permissions", permissions);
}

}  // namespace sarga::pvesim
