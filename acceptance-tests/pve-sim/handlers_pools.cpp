// Resource pools: list, create, read (members), update (add/remove guests and storages), delete.
#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == ';' || c == ' ' || c == '\0') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

nlohmann::json members(SimCore& core, const Pool& p) {
  nlohmann::json out = nlohmann::json::array();
  auto all = core.build_resources();
  for (const auto& r : all) {
    std::string type = r["type"];
    if ((type == "qemu" || type == "lxc") && p.vms.count(r["vmid"].get<int>())) out.push_back(r);
    if (type == "storage" && p.storages.count(r["storage"].get<std::string>())) out.push_back(r);
  }
  return out;
}

Pool& pool_or_throw(SimCore& core, const std::string& id) {
  auto it = core.pools.find(id);
  if (it == core.pools.end()) throw server_error("pool '" + id + "' does not exist");
  return it->second;
}

void update_members(SimCore& core, Pool& p, const Call& call) {
  bool remove = call.flag("delete");
  bool allow_move = call.flag("allow-move");
  for (const auto& v : split_list(call.str("vms"))) {
    int vmid = std::stoi(v);
    if (!core.guests.count(vmid)) throw server_error("no such VM '" + v + "'");
    if (remove) {
      p.vms.erase(vmid);
      continue;
    }
    std::string current = core.pool_of(vmid);
    if (!current.empty() && current != p.id) {
      if (!allow_move) throw server_error("VM " + v + " is already a pool member");
      core.pools[current].vms.erase(vmid);
    }
    p.vms.insert(vmid);
  }
  for (const auto& s : split_list(call.str("storage"))) {
    if (!core.config.storage(s)) throw server_error("no such storage '" + s + "'");
    if (remove)
      p.storages.erase(s);
    else
      p.storages.insert(s);
  }
}

nlohmann::json pool_list(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, p] : core.pools) {
    if (call.has("poolid") && call.str("poolid") != id) continue;
    nlohmann::json e = {{"poolid", id}};
    if (!p.comment.empty()) e["comment"] = p.comment;
    if (call.has("poolid")) e["members"] = members(core, p);
    out.push_back(e);
  }
  return out;
}

nlohmann::json pool_create(SimCore& core, Call& call) {
  std::unique_lock lk(core.mutex);
  std::string id = call.str("poolid");
  if (core.pools.count(id)) throw server_error("create pool failed: pool '" + id + "' already exists");
  core.pools[id] = Pool{id, call.str("comment"), {}, {}};
  core.dirty = true;
  return nullptr;
}

nlohmann::json pool_read(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Pool& p = pool_or_throw(core, call.str("poolid"));
  nlohmann::json j = {{"members", members(core, p)}};
  if (!p.comment.empty()) j["comment"] = p.comment;
  return j;
}

nlohmann::json pool_update(SimCore& core, Call& call) {
  std::unique_lock lk(core.mutex);
  Pool& p = pool_or_throw(core, call.str("poolid"));
  if (call.has("comment")) p.comment = call.str("comment");
  update_members(core, p, call);
  core.dirty = true;
  return nullptr;
}

nlohmann::json pool_delete(SimCore& core, Call& call) {
  std::unique_lock lk(core.mutex);
  Pool& p = pool_or_throw(core, call.str("poolid"));
  if (!p.vms.empty() || !p.storages.empty()) throw server_error("pool '" + p.id + "' is not empty");
  core.pools.erase(p.id);
  core.dirty = true;
  return nullptr;
}

}  // namespace

void register_pool_handlers(Router& r) {
  r.add("GET", "/pools", pool_list);
  r.add("POST", "/pools", pool_create);
  r.add("GET", "/pools/{poolid}", pool_read);
  r.add("PUT", "/pools/{poolid}", pool_update);
  r.add("DELETE", "/pools/{poolid}", pool_delete);
}

}  // namespace sarga::pvesim
