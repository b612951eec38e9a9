#include "lib/pve/cluster.h"

#include <algorithm>

namespace sarga::pve {

namespace {

std::string str(const nlohmann::json& j, const char* k) { return j.contains(k) ? scalar_string(j[k]) : std::string(); }

long long num(const nlohmann::json& j, const char* k) {
  try {
    std::string s = str(j, k);
    return s.empty() ? 0 : std::stoll(s);
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::vector<NodeInfo> list_nodes(const Client& client) {
  auto data = client.get("/nodes");
  std::vector<NodeInfo> out;
  if (!data.is_array()) return out;
  for (const auto& j : data) {
    if (!j.is_object()) continue;
    NodeInfo n;
    n.name = str(j, "node");
    n.status = str(j, "status");
    if (n.status.empty()) n.status = "unknown";
    n.cpus = static_cast<int>(num(j, "maxcpu"));
    n.memory = static_cast<std::uint64_t>(num(j, "maxmem"));
    n.uptime = num(j, "uptime");
    out.push_back(std::move(n));
  }
  std::sort(out.begin(), out.end(), [](const NodeInfo& a, const NodeInfo& b) { return a.name < b.name; });
  return out;
}

GuestEntry guest_entry_from(const nlohmann::json& j, GuestKind kind, const std::string& node) {
  GuestEntry e;
  e.kind = kind;
  e.vmid = static_cast<int>(num(j, "vmid"));
  if (e.vmid < 0) e.vmid = 0;
  e.node = str(j, "node");
  if (e.node.empty()) e.node = node;
  e.name = str(j, "name");
  e.status = str(j, "status");
  e.pool = str(j, "pool");
  e.template_ = str(j, "template") == "1";
  e.tags = normalise_tags(str(j, "tags"));
  return e;
}

std::vector<GuestEntry> filter_guests(std::vector<GuestEntry> guests, const std::string& name,
                                      const std::vector<std::string>& tags) {
  auto wanted = normalise_tags(join_tags(tags));
  std::erase_if(guests, [&](const GuestEntry& e) {
    if (!name.empty() && e.name != name) return true;
    return !std::includes(e.tags.begin(), e.tags.end(), wanted.begin(), wanted.end());
  });
  std::sort(guests.begin(), guests.end(), [](const GuestEntry& a, const GuestEntry& b) { return a.vmid < b.vmid; });
  return guests;
}

std::vector<GuestEntry> list_node_guests(const Client& client, const std::string& node, GuestKind kind) {
  auto data = client.get(node_path(node) + "/" + to_string(kind));
  std::vector<GuestEntry> out;
  if (!data.is_array()) return out;
  for (const auto& j : data) {
    if (!j.is_object()) continue;
    GuestEntry e = guest_entry_from(j, kind, node);
    e.node = node;  // the list is this node's, whatever an item says
    if (e.vmid > 0) out.push_back(std::move(e));
  }
  return out;
}

namespace {

// Every guest of `kind` (unfiltered) on `node`, or on all nodes: live lists of online nodes
// plus, for nodes that cannot answer, what the cached index last saw there.
std::vector<GuestEntry> live_guests(const Client& client, GuestKind kind, const std::string& node) {
  std::vector<GuestEntry> all;
  std::vector<std::string> silent;  // nodes not online: their guests only in the index
  bool known = false;
  for (const auto& n : list_nodes(client)) {
    if (!node.empty() && n.name != node) continue;
    known = true;
    if (n.status != "online") {
      silent.push_back(n.name);
      continue;
    }
    auto listed = list_node_guests(client, n.name, kind);
    all.insert(all.end(), std::make_move_iterator(listed.begin()), std::make_move_iterator(listed.end()));
  }
  if (!known && !node.empty())
    throw Error(ErrorKind::not_found, 404, "node \"" + node + "\" is not in the cluster (GET /nodes)");
  if (!silent.empty())
    for (auto& e : client.guest_index().find(client, kind, "", {}))
      if (std::find(silent.begin(), silent.end(), e.node) != silent.end()) all.push_back(std::move(e));
  return all;
}

}  // namespace

std::vector<GuestEntry> find_live(const Client& client, GuestKind kind, const std::string& name,
                                  const std::vector<std::string>& tags, const std::string& node) {
  return filter_guests(live_guests(client, kind, node), name, tags);
}

std::optional<GuestEntry> find_live_vmid(const Client& client, GuestKind kind, int vmid, const std::string& node) {
  for (auto& e : live_guests(client, kind, node))
    if (e.vmid == vmid) return std::move(e);
  return std::nullopt;
}

void GuestIndex::ensure(const Client& client, bool force) {
  auto requested = std::chrono::steady_clock::now();
  if (!force) {
    std::lock_guard lock(mu_);
    if (have_) return;  // the common case: no wait behind a refetch in progress
  }
  std::lock_guard fetch(fetch_mu_);
  {
    std::lock_guard lock(mu_);
    if (have_ && !force) return;
    // Someone fetched while we waited for fetch_mu_: their picture is as new as ours would be.
    if (have_ && fetched_at_ >= requested) return;
    if (have_ && force && std::chrono::steady_clock::now() - fetched_at_ < min_refetch_) return;
  }
  auto data = client.get("/cluster/resources");
  std::vector<GuestEntry> guests;
  std::vector<std::string> nodes;
  if (data.is_array())
    for (const auto& j : data) {
      if (!j.is_object()) continue;
      std::string type = str(j, "type");
      if (type == "node") {
        std::string n = str(j, "node");
        if (!n.empty()) nodes.push_back(n);
        continue;
      }
      auto kind = guest_kind_from(type);
      if (!kind) continue;
      GuestEntry e = guest_entry_from(j, *kind, {});
      if (e.vmid > 0) guests.push_back(std::move(e));
    }
  std::sort(nodes.begin(), nodes.end());
  std::lock_guard lock(mu_);
  guests_ = std::move(guests);
  nodes_ = std::move(nodes);
  have_ = true;
  fetched_at_ = std::chrono::steady_clock::now();
  ++fetches_;
}

std::optional<GuestEntry> GuestIndex::entry(const Client& client, int vmid) {
  ensure(client, false);
  std::lock_guard lock(mu_);
  for (const auto& e : guests_)
    if (e.vmid == vmid) return e;
  return std::nullopt;
}

std::optional<std::string> GuestIndex::locate(const Client& client, int vmid, const std::string& not_on) {
  auto e = entry(client, vmid);
  if (!not_on.empty() && (!e || e->node == not_on)) {
    ensure(client, true);
    std::lock_guard lock(mu_);
    e.reset();
    for (const auto& g : guests_)
      if (g.vmid == vmid) e = g;
  }
  if (!e) return std::nullopt;
  if (!not_on.empty() && e->node == not_on) return std::nullopt;  // the index is no wiser
  return e->node;
}

std::vector<GuestEntry> GuestIndex::find(const Client& client, std::optional<GuestKind> kind, const std::string& name,
                                         const std::vector<std::string>& tags, bool fresh) {
  ensure(client, fresh);
  std::vector<GuestEntry> of_kind;
  {
    std::lock_guard lock(mu_);
    for (const auto& e : guests_)
      if (!kind || e.kind == *kind) of_kind.push_back(e);
  }
  return filter_guests(std::move(of_kind), name, tags);
}

std::vector<std::string> GuestIndex::nodes(const Client& client) {
  ensure(client, false);
  std::lock_guard lock(mu_);
  return nodes_;
}

void GuestIndex::invalidate() {
  std::lock_guard lock(mu_);
  have_ = false;
}

int GuestIndex::fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

}  // namespace sarga::pve
