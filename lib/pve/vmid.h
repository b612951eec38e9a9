// VMID allocation that survives parallel creates: /cluster/nextid is only a check, not a
// reservation, so we try the create itself with a candidate and move on to another one
// when PVE answers "already exists" / "config file already exists".
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "lib/pve/client.h"

namespace sarga::pve {

struct VmidPolicy {
  std::optional<int> fixed;  // a configured vmid: tried once, "already exists" is an error
  int from = 100;
  int to = 999'999'999;
  bool random = false;       // pick at random in [from, to] instead of asking /cluster/nextid
  int max_attempts = 20;
};

// Returns a description of what is wrong ("vmid_range.from must be ..."), empty when fine.
std::string validate(const VmidPolicy& policy);

// True when the error means "this VMID is taken" (400 errors.vmid, "already exists",
// "config file already exists").
bool is_vmid_taken(const Error& e);

// Calls `create(vmid)` (which dispatches the create/clone and returns its UPID, or throws)
// with candidates until one is accepted. Candidates come from /cluster/nextid (with a
// lower bound of `from`) or a random pick in [from, to]; a taken one is skipped and the
// next tried, up to max_attempts. Lock timeouts are retried with backoff on the same
// candidate. Returns the VMID that was used; `upid_out` (when given) gets the UPID.
// Throws Error(already_exists) for a taken fixed vmid or when attempts run out.
int create_with_free_vmid(const Client& client, const VmidPolicy& policy,
                          const std::function<std::string(int vmid)>& create, std::string* upid_out = nullptr);

}  // namespace sarga::pve
