// The shape of a simulated cluster: nodes, storages, bridges, users with their tokens and
// ACLs, and the timing knobs. Read from a JSON file (`--config cluster.json`, format in the
// README) or built as the default 3-node cluster.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::pvesim {

struct NodeDef {
  std::string name;
  int cpus = 8;
  uint64_t memory = 64ULL << 30;  // bytes
  std::string ip;                 // shown in cluster/status
};

struct StorageDef {
  std::string id;
  std::string type;  // "dir", "lvmthin" or "nfs"
  std::set<std::string> content;
  bool shared = false;
  std::vector<std::string> nodes;  // empty: every node
  uint64_t capacity = 512ULL << 30;
  std::string path;  // dir/nfs mount path ("/var/lib/vz", "/mnt/pve/nfs")
};

struct AclEntry {
  std::string path;                 // "/", "/vms/100", "/storage/local", "/pool/dev"
  std::vector<std::string> privs;   // privilege or role names ("Administrator", "VM.Allocate")
};

struct TokenDef {
  std::string id;      // the part after '!'
  std::string secret;  // never logged
  bool privsep = false;  // true: only the token's own ACL (intersected with the user's)
  std::vector<AclEntry> acl;
};

struct UserDef {
  std::string userid;    // user@realm
  std::string password;  // empty: ticket login disabled
  std::vector<AclEntry> acl;
  std::vector<TokenDef> tokens;
};

// Knobs a test may also change at run time through POST /_sim/settings.
struct Timing {
  double resources_lag = 3.0;       // seconds cluster/resources lags behind (pvestatd)
  double default_task = 0.3;        // seconds a task runs unless listed below
  std::map<std::string, double> task_durations = {
      {"qmcreate", 0.5}, {"qmclone", 1.5}, {"qmstart", 0.4}, {"qmstop", 0.2},
      {"qmshutdown", 0.5}, {"qmreboot", 0.6}, {"qmdestroy", 0.3}, {"qmtemplate", 0.3},
      {"qmconfig", 0.2}, {"resize", 0.2}, {"vzcreate", 0.5}, {"vzclone", 1.0},
      {"vzstart", 0.3}, {"vzstop", 0.2}, {"vzshutdown", 0.4}, {"vzreboot", 0.5},
      {"vzdestroy", 0.3}, {"imgcopy", 0.2}, {"download", 0.3}, {"imgdel", 0.1}};
  double agent_boot_delay = 1.0;    // seconds after start until the guest agent answers
  int clone_lock_timeout_ms = 1000; // qemu-server clone: 1 s
  int config_lock_timeout_ms = 10000;  // lock_file_full default: 10 s
  int ticket_lifetime = 7200;       // seconds

  double duration_of(const std::string& task_type) const;
  nlohmann::json to_json() const;
  void merge(const nlohmann::json& j);  // throws std::runtime_error naming the bad field
};

struct ClusterConfig {
  std::string cluster_name = "sarga-sim";
  std::vector<NodeDef> nodes;
  std::vector<StorageDef> storages;
  std::vector<std::string> bridges = {"vmbr0"};
  std::vector<UserDef> users;
  Timing timing;
  uint64_t seed = 1;

  // pve1..pve3, local (dir), local-lvm (lvmthin), shared nfs, vmbr0, root@pam.
  static ClusterConfig default_cluster();
  // Throws std::runtime_error "<file>: <field>: <problem>".
  static ClusterConfig from_json(const nlohmann::json& j, const std::string& origin);

  // "user@realm!id=secret" (or ':' before the secret) -> token with every privilege.
  void add_token(const std::string& spec);

  const NodeDef* node(const std::string& name) const;
  const StorageDef* storage(const std::string& id) const;
  bool storage_on_node(const StorageDef& s, const std::string& node) const;
};

}  // namespace sarga::pvesim
