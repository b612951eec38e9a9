// The simulated cluster's whole state and the services around it. One shared_mutex guards
// the state (guests, volumes, pools, tasks); readers share it, writers own it. Guest locks
// (LockTable), faults and auth have their own synchronisation, so a request may wait for a
// guest lock without holding the state mutex.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "acceptance-tests/pve-sim/auth.h"
#include "acceptance-tests/pve-sim/cluster_config.h"
#include "acceptance-tests/pve-sim/faults.h"
#include "acceptance-tests/pve-sim/guest_config.h"
#include "acceptance-tests/pve-sim/lock_table.h"
#include "acceptance-tests/pve-sim/tags.h"
#include "acceptance-tests/pve-sim/task_engine.h"

namespace sarga::pvesim {

struct Volume {
  std::string volid;    // "local-lvm:vm-100-disk-0", "local:iso/x.iso"
  std::string content;  // images, rootdir, iso, vztmpl, import, backup, snippets
  std::string format;   // raw, qcow2, subvol, iso, tzst, ...
  uint64_t size = 0;    // bytes
  int vmid = 0;         // owner, 0 for none
  long ctime = 0;
  std::string parent;   // base volume of a linked clone
  std::string sha256;   // of uploaded/downloaded content
  uint64_t virtual_size = 0;  // qcow2 images: the disk size an import creates (0: same as size)
  bool is_protected = false;
  std::string notes;
};

struct AgentExec {
  std::string out;
  int exitcode = 0;
};

struct Guest {
  int vmid = 0;
  GuestKind kind = GuestKind::qemu;
  std::string node;
  GuestConfig config;
  bool running = false;
  double started = 0;  // steady seconds of the last start
  long ctime = 0;
  std::map<int, AgentExec> execs;
  int next_exec_pid = 1000;

  bool is_template() const { return config.current.count("template") && config.current.at("template") == "1"; }
  std::string lock() const {
    auto it = config.current.find("lock");
    return it == config.current.end() ? "" : it->second;
  }
  std::string name() const;  // qemu "name", lxc "hostname"
};

struct Pool {
  std::string id;
  std::string comment;
  std::set<int> vms;
  std::set<std::string> storages;
};

// The leading number of a config value ("2048", "current=2048", "4,flags=..."), or `def`.
uint64_t config_number(const std::string& value, uint64_t def);

class SimCore {
 public:
  explicit SimCore(ClusterConfig config);

  const ClusterConfig config;
  Auth auth;
  Faults faults;
  LockTable locks;

  mutable std::shared_mutex mutex;  // guards everything below
  Timing timing;
  std::map<int, Guest> guests;
  // Storage location ("nfs" for shared, "pve1/local" for local) -> volid -> volume.
  std::map<std::string, std::map<std::string, Volume>> volumes;
  std::map<std::string, Pool> pools;
  TaskEngine tasks;

  // Clocks: steady seconds for durations, wall seconds for UPIDs and ctime.
  double now() const;
  long wall() const;
  double boot_wall() const { return boot_wall_; }

  // Stops due tasks (takes the mutex exclusively only when one is due).
  void settle();
  // Starts a task (mutex held by caller); faults for its type are applied here.
  std::string start_task(TaskSpec spec);

  // --- helpers; the caller holds the mutex ---
  const NodeDef& node_or_throw(const std::string& node) const;
  // 500 "Configuration file 'nodes/<node>/qemu-server/<vmid>.conf' does not exist" like PVE.
  Guest& guest_or_throw(const std::string& node, int vmid, GuestKind kind);
  Guest* find_guest(int vmid);
  // Storage `id` usable on `node` or 500 "storage '<id>' does not exist".
  const StorageDef& storage_or_throw(const std::string& node, const std::string& id) const;
  std::string location(const StorageDef& s, const std::string& node) const;
  // "local:iso/x.iso" on `node` -> the volume, or nullptr.
  Volume* find_volume(const std::string& node, const std::string& volid);
  // Allocates a new disk volume of `size` bytes for `vmid` and returns its volid.
  std::string allocate_disk(const std::string& node, const std::string& storage, int vmid,
                            uint64_t size, const std::string& format, const std::string& name_hint = "");
  void free_volume(const std::string& node, const std::string& volid);
  uint64_t storage_used(const StorageDef& s, const std::string& node) const;
  int next_free_vmid() const;
  std::string pool_of(int vmid) const;

  // JSON type of config key `key` ("integer", "number", "boolean", "string").
  const std::string& key_type(GuestKind kind, const std::string& key) const;
  nlohmann::json typed(GuestKind kind, const std::string& key, const std::string& value) const;

  // cluster/resources as pvestatd last saw it (refreshed every timing.resources_lag seconds).
  nlohmann::json resources(const std::string& type_filter);
  nlohmann::json build_resources() const;  // fresh, mutex held (shared)

  // State file and control endpoints.
  nlohmann::json snapshot() const;  // mutex held (shared)
  void restore(const nlohmann::json& j);  // mutex held (exclusive); throws on bad input
  void reset();                          // mutex held (exclusive)

  std::atomic<bool> dirty{false};

 private:
  double boot_wall_;
  std::atomic<double> next_due_{1e300};
  std::unordered_map<std::string, std::string> qemu_types_, lxc_types_;
  std::mutex resources_mutex_;
  nlohmann::json resources_cache_;
  double resources_time_ = -1e300;
};

}  // namespace sarga::pvesim
