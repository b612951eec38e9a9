// Cluster-wide lookups. /cluster/resources lags the truth by seconds (pvestatd), so it is
// used only to LOCATE guests (which node), never to decide that a guest just created
// exists; searches by name/tags read the nodes' own guest lists (find_live). The index is fetched at most once per provider process and
// refetched only when a guest is not where the index says (migration, HA) — and then at
// most once per `min_refetch` however many resources ask.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/pve/client.h"
#include "lib/pve/guests.h"

namespace sarga::pve {

struct GuestEntry {
  int vmid = 0;
  GuestKind kind = GuestKind::qemu;
  std::string node;
  std::string name;
  std::string status;  // running | stopped
  std::string pool;
  bool template_ = false;
  std::vector<std::string> tags;  // normalised (lower-case, sorted)
};

struct NodeInfo {
  std::string name;
  std::string status;  // online | offline | unknown
  int cpus = 0;
  std::uint64_t memory = 0;  // bytes (maxmem)
  std::int64_t uptime = 0;   // seconds
};

// GET /nodes (not cached: nodes are few and change rarely; one call per data source read).
std::vector<NodeInfo> list_nodes(const Client& client);

// One item of GET /nodes/{node}/qemu or /lxc (or of /cluster/resources) as an entry.
// `node` is used when the item names none. vmid 0 when the item has no usable vmid.
GuestEntry guest_entry_from(const nlohmann::json& item, GuestKind kind, const std::string& node);

// Entries of `guests` with `name` (when non-empty) that carry every tag in `tags`
// (compared normalised), sorted by vmid.
std::vector<GuestEntry> filter_guests(std::vector<GuestEntry> guests, const std::string& name,
                                      const std::vector<std::string>& tags);

// GET /nodes/{node}/qemu or /lxc: the node's guests as it knows them now (no lag). These
// lists carry no pool: `pool` stays empty.
std::vector<GuestEntry> list_node_guests(const Client& client, const std::string& node, GuestKind kind);

// Search without the /cluster/resources lag: GET /nodes, then the guest list of each online
// node (or only of `node` when set: one request), so 1 + online nodes requests. Guests on
// nodes that are not online come from the cached index (their node cannot list them).
// An unknown `node` is an Error(not_found).
std::vector<GuestEntry> find_live(const Client& client, GuestKind kind, const std::string& name,
                                  const std::vector<std::string>& tags, const std::string& node = {});
// The guest `vmid` of `kind` as the node lists show it now; nullopt when no node has it.
std::optional<GuestEntry> find_live_vmid(const Client& client, GuestKind kind, int vmid, const std::string& node = {});

class GuestIndex {
 public:
  explicit GuestIndex(std::chrono::milliseconds min_refetch = std::chrono::milliseconds(2'000))
      : min_refetch_(min_refetch) {}

  // Node of `vmid`, from the cached index (fetched on first use). When `not_on` is given
  // (the node where the guest was just not found) and the index still says that node or
  // does not know the guest, the index is refetched (rate-limited) and asked again.
  // nullopt: the guest is nowhere in the cluster.
  std::optional<std::string> locate(const Client& client, int vmid, const std::string& not_on = {});
  std::optional<GuestEntry> entry(const Client& client, int vmid);

  // Guests of `kind` (all kinds when nullopt) whose name equals `name` (when non-empty) and
  // that carry every tag in `tags`. `fresh` refetches first, yet the picture may still lag
  // seconds behind: lookups that must see guests made moments ago use find_live.
  std::vector<GuestEntry> find(const Client& client, std::optional<GuestKind> kind, const std::string& name,
                               const std::vector<std::string>& tags, bool fresh = false);

  // Names of the nodes seen in the index.
  std::vector<std::string> nodes(const Client& client);

  // Forget the cached picture (the next call fetches).
  void invalidate();
  // How many times /cluster/resources was fetched (tests, benchmarks).
  int fetches() const;

 private:
  void ensure(const Client& client, bool force);
  std::chrono::milliseconds min_refetch_;
  mutable std::mutex mu_;
  std::mutex fetch_mu_;  // one fetch at a time; waiters reuse its result
  bool have_ = false;
  std::chrono::steady_clock::time_point fetched_at_{};
  std::vector<GuestEntry> guests_;
  std::vector<std::string> nodes_;
  int fetches_ = 0;
};

}  // namespace sarga::pve
