// Typed calls for QEMU VMs and LXC containers on one node: config (with digest), current
// status, config updates, create/clone, power actions, destroy, disk resize, and the guest
// agent's network interfaces. Values PVE returns as numbers or strings are normalised to
// strings, so callers never trip over "1" vs 1.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/pve/client.h"

namespace sarga::pve {

enum class GuestKind { qemu, lxc };
const char* to_string(GuestKind);  // "qemu" | "lxc" (the API path segment)
std::optional<GuestKind> guest_kind_from(const std::string&);  // "qemu"/"vm" | "lxc"

// "/nodes/<node>/<qemu|lxc>/<vmid>"
std::string guest_path(const std::string& node, GuestKind kind, int vmid);

struct GuestConfig {
  std::map<std::string, std::string> values;  // every key, numbers/bools as strings ("1")
  std::string digest;                         // pass to update_config for optimistic locking
  std::map<std::string, std::string> pending;  // keys with a pending (not yet applied) value
  std::vector<std::string> pending_delete;     // keys whose delete is pending
  std::optional<std::string> get(const std::string& key) const;
};

struct GuestStatus {
  std::string status;     // "running" | "stopped"
  std::string name;
  std::string lock;       // "" or "clone", "create", "backup", ...
  std::string qmpstatus;  // qemu only ("running", "paused", "prelaunch")
  bool agent = false;     // qemu: agent enabled in config
  bool template_ = false;
  std::int64_t uptime = 0;
  std::vector<std::string> tags;  // as PVE stores them
  nlohmann::json raw;
};

struct AgentInterface {
  std::string name;  // "eth0", "lo"
  std::string mac;
  std::vector<std::string> ipv4;  // "10.0.0.5/24"
  std::vector<std::string> ipv6;
};

// Thin wrapper; copy freely. All calls throw Error.
class Guests {
 public:
  explicit Guests(Client client) : c_(std::move(client)) {}
  const Client& client() const { return c_; }

  // GET .../config (current values, digest). With `with_pending`, also GET .../pending.
  GuestConfig config(const std::string& node, GuestKind kind, int vmid, bool with_pending = false) const;
  GuestStatus status(const std::string& node, GuestKind kind, int vmid) const;

  // Changes config keys; "delete" may be passed in `params` as PVE expects ("net1,scsi2").
  // qemu: POST (async; waited for here), lxc: PUT. `digest` (when non-empty) makes PVE
  // refuse the change if the config moved on. Lock timeouts are retried. Returns the task
  // result when PVE ran a task.
  std::optional<TaskResult> update_config(const std::string& node, GuestKind kind, int vmid, const Params& params,
                                          const std::string& digest = {}, const WaitOptions& wait = {}) const;

  // POST /nodes/<node>/<kind> (vmid added here); returns the UPID. Not retried: call it
  // inside create_with_free_vmid (vmid.h), which moves on when the VMID is taken and
  // retries lock timeouts.
  std::string create(const std::string& node, GuestKind kind, int vmid, const Params& params) const;
  // POST .../<source>/clone with newid (qemu; lxc clones too); returns the UPID. Not
  // retried either, for the same reason (the 1 s clone lock timeouts are retried there).
  std::string clone(const std::string& node, GuestKind kind, int source_vmid, int new_vmid, const Params& params) const;

  // Power actions; each returns the UPID (wait with client().wait_task). Lock timeouts
  // (PVE refused before acting) are retried.
  std::string start(const std::string& node, GuestKind kind, int vmid) const;
  // Graceful shutdown; `force_stop` stops the guest when the timeout passes.
  std::string shutdown(const std::string& node, GuestKind kind, int vmid, std::chrono::seconds timeout = std::chrono::seconds(60),
                       bool force_stop = true) const;
  std::string stop(const std::string& node, GuestKind kind, int vmid) const;
  std::string reboot(const std::string& node, GuestKind kind, int vmid) const;
  // DELETE the guest; `purge` also removes it from jobs, HA and ACLs and destroys unreferenced disks.
  std::string destroy(const std::string& node, GuestKind kind, int vmid, bool purge = true) const;

  // POST .../template: qemu runs a task (its UPID is returned, wait with client().wait_task);
  // lxc converts at once (nullopt). Lock timeouts (PVE refused before acting) are retried.
  std::optional<std::string> make_template(const std::string& node, GuestKind kind, int vmid) const;

  // PUT .../resize: `size` is absolute ("40G") or relative ("+8G"). Returns the UPID when
  // PVE runs a task (waited for by the caller), nullopt when it was done at once.
  std::optional<std::string> resize(const std::string& node, GuestKind kind, int vmid, const std::string& disk,
                                    const std::string& size) const;
  std::optional<std::string> resize(const std::string& node, int vmid, const std::string& disk,
                                    const std::string& size) const {
    return resize(node, GuestKind::qemu, vmid, disk, size);
  }

  // One call to the guest agent's network-get-interfaces (qemu only). Throws Error when
  // the agent does not answer; never waits (bounded by `timeout`). Loopback and
  // link-local addresses are left out.
  std::vector<AgentInterface> agent_interfaces(const std::string& node, int vmid,
                                               std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) const;

  // Dispatches a task (`dispatch` returns its UPID) and waits for it. A lock timeout, in
  // the request or inside the task (PVE takes some locks in the worker), means nothing was
  // done, so both steps are retried together with backoff. Example:
  //   g.run_task([&] { return g.start(node, kind, vmid); });
  TaskResult run_task(const std::function<std::string()>& dispatch, const WaitOptions& wait = {}) const;

  // Waits until the config has no `lock` property (a clone or create still running).
  void wait_unlocked(const std::string& node, GuestKind kind, int vmid, std::chrono::milliseconds timeout) const;

 private:
  Client c_;
};

// Normalises a JSON scalar PVE returned: strings as-is, numbers without ".0", bools "1"/"0".
std::string scalar_string(const nlohmann::json& v);
// PVE tags: split on ';' ',' and blanks, lower-cased, de-duplicated, sorted (as PVE stores them).
std::vector<std::string> normalise_tags(const std::string& text);
std::string join_tags(const std::vector<std::string>& tags);  // "a;b" for the tags param

}  // namespace sarga::pve
