#include "acceptance-tests/pve-sim/sim_core.h"

#include <chrono>
#include <stdexcept>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/schema/schema.h"

namespace sarga::pvesim {

namespace {

void load_types(const char* path, std::unordered_map<std::string, std::string>& out) {
  const auto& schema = schema::Schema::builtin();
  const schema::Endpoint* ep = schema.find("POST", path);
  if (!ep) return;
  for (const auto& name : schema.parameter_names(*ep))
    if (auto info = schema.parameter(*ep, name)) out[name] = info->type;
}

}  // namespace

uint64_t config_number(const std::string& value, uint64_t def) {
  size_t start = value.find_first_of("0123456789");
  if (start == std::string::npos) return def;
  size_t end = value.find_first_not_of("0123456789", start);
  try {
    return std::stoull(value.substr(start, end == std::string::npos ? std::string::npos : end - start));
  } catch (...) {
    return def;
  }
}

std::string Guest::name() const {
  auto it = config.current.find(kind == GuestKind::qemu ? "name" : "hostname");
  return it == config.current.end() ? "" : it->second;
}

SimCore::SimCore(ClusterConfig cfg)
    : config(std::move(cfg)), auth(config), faults(config.seed), timing(config.timing) {
  boot_wall_ = static_cast<double>(wall()) - 86400.0;  // nodes "booted" a day ago
  load_types("/nodes/{node}/qemu", qemu_types_);
  load_types("/nodes/{node}/lxc", lxc_types_);
  for (auto* types : {&qemu_types_, &lxc_types_}) {
    (*types)["digest"] = "string";
    (*types)["lock"] = "string";
    (*types)["template"] = "boolean";
  }
}

double SimCore::now() const {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

long SimCore::wall() const {
  using namespace std::chrono;
  return static_cast<long>(duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
}

void SimCore::settle() {
  if (now() < next_due_.load()) return;
  std::unique_lock lk(mutex);
  if (tasks.settle(now()) > 0) dirty = true;
  next_due_ = tasks.next_due();
}

std::string SimCore::start_task(TaskSpec spec) {
  if (!spec.fault) spec.fault = faults.on_task(spec.type);
  spec.duration += faults.extra_lock_hold(spec.type);
  spec.status_window = faults.status_400_window();
  std::string upid = tasks.start(std::move(spec), now(), wall(), boot_wall_);
  next_due_ = std::min(next_due_.load(), tasks.next_due());
  dirty = true;
  return upid;
}

const NodeDef& SimCore::node_or_throw(const std::string& node) const {
  if (const NodeDef* n = config.node(node)) return *n;
  throw server_error("hostname lookup '" + node + "' failed - failed to get address info for: " + node +
                     ": Name or service not known");
}

Guest* SimCore::find_guest(int vmid) {
  auto it = guests.find(vmid);
  return it == guests.end() ? nullptr : &it->second;
}

Guest& SimCore::guest_or_throw(const std::string& node, int vmid, GuestKind kind) {
  node_or_throw(node);
  Guest* g = find_guest(vmid);
  if (!g || g->node != node || g->kind != kind) {
    std::string dir = kind == GuestKind::qemu ? "qemu-server" : "lxc";
    throw server_error("Configuration file 'nodes/" + node + "/" + dir + "/" + std::to_string(vmid) +
                       ".conf' does not exist");
  }
  return *g;
}

const StorageDef& SimCore::storage_or_throw(const std::string& node, const std::string& id) const {
  const StorageDef* s = config.storage(id);
  if (!s) throw server_error("storage '" + id + "' does not exist");
  if (!config.storage_on_node(*s, node))
    throw server_error("storage '" + id + "' is not available on node '" + node + "'");
  return *s;
}

std::string SimCore::location(const StorageDef& s, const std::string& node) const {
  return s.shared ? s.id : node + "/" + s.id;
}

Volume* SimCore::find_volume(const std::string& node, const std::string& volid) {
  size_t colon = volid.find(':');
  if (colon == std::string::npos) return nullptr;
  const StorageDef* s = config.storage(volid.substr(0, colon));
  if (!s || !config.storage_on_node(*s, node)) return nullptr;
  auto loc = volumes.find(location(*s, node));
  if (loc == volumes.end()) return nullptr;
  auto it = loc->second.find(volid);
  return it == loc->second.end() ? nullptr : &it->second;
}

std::string SimCore::allocate_disk(const std::string& node, const std::string& storage_id, int vmid,
                                   uint64_t size, const std::string& format, const std::string& name_hint) {
  const StorageDef& s = storage_or_throw(node, storage_id);
  auto& vols = volumes[location(s, node)];
  uint64_t used = storage_used(s, node);
  if (s.type != "lvmthin" && used + size > s.capacity)
    throw server_error("storage '" + s.id + "': not enough free space (" + std::to_string(size) +
                       " bytes requested)");
  std::string fmt = format.empty() ? (s.type == "lvmthin" ? "raw" : "qcow2") : format;
  if (s.type == "lvmthin" && fmt != "raw")
    throw server_error("unsupported format '" + fmt + "'");
  auto make = [&](const std::string& base) {
    if (s.type == "lvmthin") return s.id + ":" + base;
    return s.id + ":" + std::to_string(vmid) + "/" + base + "." + fmt;
  };
  std::string volid;
  if (!name_hint.empty()) {
    volid = make(name_hint);
    if (vols.count(volid)) throw server_error("volume '" + volid + "' already exists");
  } else {
    for (int n = 0;; ++n) {
      std::string suffix = "-" + std::to_string(vmid) + "-disk-" + std::to_string(n);
      if (!vols.count(make("vm" + suffix)) && !vols.count(make("base" + suffix))) {
        volid = make("vm" + suffix);
        break;
      }
    }
  }
  Volume v;
  v.volid = volid;
  v.content = "images";
  v.format = fmt;
  v.size = size;
  v.vmid = vmid;
  v.ctime = wall();
  vols[volid] = v;
  return volid;
}

void SimCore::free_volume(const std::string& node, const std::string& volid) {
  size_t colon = volid.find(':');
  if (colon == std::string::npos) return;
  const StorageDef* s = config.storage(volid.substr(0, colon));
  if (!s) return;
  auto loc = volumes.find(location(*s, node));
  if (loc != volumes.end()) loc->second.erase(volid);
}

uint64_t SimCore::storage_used(const StorageDef& s, const std::string& node) const {
  auto loc = volumes.find(location(s, node));
  if (loc == volumes.end()) return 0;
  uint64_t used = 0;
  for (const auto& [id, v] : loc->second) used += v.size;
  return used;
}

int SimCore::next_free_vmid() const {
  int id = 100;
  for (const auto& [vmid, g] : guests) {
    if (vmid < id) continue;
    if (vmid != id) break;
    ++id;
  }
  return id;
}

std::string SimCore::pool_of(int vmid) const {
  for (const auto& [id, p] : pools)
    if (p.vms.count(vmid)) return id;
  return "";
}

const std::string& SimCore::key_type(GuestKind kind, const std::string& key) const {
  static const std::string string_type = "string";
  const auto& types = kind == GuestKind::qemu ? qemu_types_ : lxc_types_;
  auto it = types.find(key);
  return it == types.end() ? string_type : it->second;
}

nlohmann::json SimCore::typed(GuestKind kind, const std::string& key, const std::string& value) const {
  const std::string& type = key_type(kind, key);
  try {
    if (type == "integer" || type == "boolean") {
      size_t used = 0;
      long long v = std::stoll(value, &used);
      if (used == value.size()) return v;
    } else if (type == "number") {
      size_t used = 0;
      double v = std::stod(value, &used);
      if (used == value.size()) return v;
    }
  } catch (...) {
  }
  return value;
}

nlohmann::json SimCore::build_resources() const {
  nlohmann::json out = nlohmann::json::array();
  double t = now();
  for (const auto& n : config.nodes) {
    out.push_back({{"id", "node/" + n.name}, {"type", "node"}, {"node", n.name}, {"status", "online"},
                   {"cpu", 0.02}, {"maxcpu", n.cpus}, {"mem", 4ULL << 30}, {"maxmem", n.memory},
                   {"disk", 8ULL << 30}, {"maxdisk", 100ULL << 30},
                   {"uptime", static_cast<long>(wall() - boot_wall_)}, {"level", ""},
                   {"cgroup-mode", 2}});
  }
  for (const auto& s : config.storages) {
    for (const auto& n : config.nodes) {
      if (!config.storage_on_node(s, n.name)) continue;
      std::string content;
      for (const auto& c : s.content) content += (content.empty() ? "" : ",") + c;
      out.push_back({{"id", "storage/" + n.name + "/" + s.id}, {"type", "storage"}, {"node", n.name},
                     {"storage", s.id}, {"status", "available"}, {"plugintype", s.type},
                     {"content", content}, {"shared", s.shared ? 1 : 0},
                     {"disk", storage_used(s, n.name)}, {"maxdisk", s.capacity}});
    }
  }
  for (const auto& [vmid, g] : guests) {
    const auto& c = g.config.current;
    auto get = [&](const char* k, const std::string& def) {
      auto it = c.find(k);
      return it == c.end() ? def : it->second;
    };
    std::string type = g.kind == GuestKind::qemu ? "qemu" : "lxc";
    uint64_t maxmem = config_number(get("memory", "512"), 512) << 20;
    nlohmann::json r = {{"id", type + "/" + std::to_string(vmid)}, {"type", type}, {"vmid", vmid},
                        {"node", g.node}, {"name", g.name()},
                        {"status", g.running ? "running" : "stopped"},
                        {"template", g.is_template() ? 1 : 0},
                        {"maxcpu", config_number(get("cores", "1"), 1) * config_number(get("sockets", "1"), 1)},
                        {"maxmem", maxmem}, {"mem", g.running ? maxmem / 4 : 0},
                        {"cpu", g.running ? 0.01 : 0}, {"maxdisk", 0}, {"disk", 0}, {"netin", 0},
                        {"netout", 0}, {"diskread", 0}, {"diskwrite", 0},
                        {"uptime", g.running ? static_cast<long>(t - g.started) : 0}};
    if (!g.lock().empty()) r["lock"] = g.lock();
    if (c.count("tags")) r["tags"] = c.at("tags");
    std::string pool = pool_of(vmid);
    if (!pool.empty()) r["pool"] = pool;
    out.push_back(r);
  }
  for (const auto& [id, p] : pools) out.push_back({{"id", "/pool/" + id}, {"type", "pool"}, {"pool", id}});
  for (const auto& n : config.nodes)
    out.push_back({{"id", "sdn/" + n.name + "/localnetwork"}, {"type", "sdn"}, {"sdn", "localnetwork"},
                   {"node", n.name}, {"status", "ok"}});
  return out;
}

nlohmann::json SimCore::resources(const std::string& type_filter) {
  nlohmann::json all;
  {
    std::lock_guard rl(resources_mutex_);
    double lag;
    {
      std::shared_lock lk(mutex);
      lag = timing.resources_lag;
      // Like pvestatd, publish a picture and keep serving it until it is `lag` seconds old.
      if (now() - resources_time_ >= lag) {
        resources_cache_ = build_resources();
        resources_time_ = now();
      }
    }
    all = resources_cache_;
  }
  if (type_filter.empty()) return all;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : all) {
    std::string t = r["type"];
    bool keep = type_filter == "vm" ? (t == "qemu" || t == "lxc") : t == type_filter;
    if (keep) out.push_back(r);
  }
  return out;
}

nlohmann::json SimCore::snapshot() const {
  nlohmann::json gs = nlohmann::json::array();
  for (const auto& [vmid, g] : guests)
    gs.push_back({{"vmid", vmid}, {"kind", g.kind == GuestKind::qemu ? "qemu" : "lxc"}, {"node", g.node},
                  {"config", g.config.to_json()}, {"running", g.running}, {"ctime", g.ctime}});
  nlohmann::json vols = nlohmann::json::object();
  for (const auto& [loc, m] : volumes) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& [id, v] : m)
      arr.push_back({{"volid", v.volid}, {"content", v.content}, {"format", v.format}, {"size", v.size},
                     {"vmid", v.vmid}, {"ctime", v.ctime}, {"parent", v.parent}, {"sha256", v.sha256}, {"virtual_size", v.virtual_size},
                     {"protected", v.is_protected}, {"notes", v.notes}});
    vols[loc] = arr;
  }
  nlohmann::json ps = nlohmann::json::array();
  for (const auto& [id, p] : pools)
    ps.push_back({{"poolid", id}, {"comment", p.comment}, {"vms", p.vms}, {"storage", p.storages}});
  return {{"format", "pve-sim-state/1"}, {"guests", gs}, {"volumes", vols}, {"pools", ps},
          {"tasks", tasks.to_json()}, {"timing", timing.to_json()}};
}

void SimCore::restore(const nlohmann::json& j) {
  if (!j.is_object() || j.value("format", "") != "pve-sim-state/1")
    throw std::runtime_error("state: expected an object with \"format\": \"pve-sim-state/1\"");
  std::map<int, Guest> new_guests;
  for (const auto& e : j.at("guests")) {
    Guest g;
    g.vmid = e.at("vmid");
    g.kind = e.at("kind") == "lxc" ? GuestKind::lxc : GuestKind::qemu;
    g.node = e.at("node");
    if (!config.node(g.node)) throw std::runtime_error("state: guest " + std::to_string(g.vmid) + ": unknown node '" + g.node + "'");
    g.config = GuestConfig::from_json(e.at("config"));
    g.running = e.value("running", false);
    g.started = now();
    g.ctime = e.value("ctime", 0L);
    new_guests[g.vmid] = std::move(g);
  }
  std::map<std::string, std::map<std::string, Volume>> new_vols;
  for (auto it = j.at("volumes").begin(); it != j.at("volumes").end(); ++it) {
    for (const auto& e : *it) {
      Volume v;
      v.volid = e.at("volid");
      v.content = e.at("content");
      v.format = e.value("format", "");
      v.size = e.value("size", uint64_t{0});
      v.vmid = e.value("vmid", 0);
      v.ctime = e.value("ctime", 0L);
      v.parent = e.value("parent", "");
      v.sha256 = e.value("sha256", "");
      v.virtual_size = e.value("virtual_size", uint64_t{0});
      v.is_protected = e.value("protected", false);
      v.notes = e.value("notes", "");
      new_vols[it.key()][v.volid] = v;
    }
  }
  std::map<std::string, Pool> new_pools;
  for (const auto& e : j.value("pools", nlohmann::json::array())) {
    Pool p;
    p.id = e.at("poolid");
    p.comment = e.value("comment", "");
    p.vms = e.value("vms", std::set<int>{});
    p.storages = e.value("storage", std::set<std::string>{});
    new_pools[p.id] = p;
  }
  guests = std::move(new_guests);
  volumes = std::move(new_vols);
  pools = std::move(new_pools);
  tasks.restore(j.value("tasks", nlohmann::json::array()));
  if (j.contains("timing")) timing.merge(j["timing"]);
  resources_time_ = -1e300;
  dirty = true;
}

void SimCore::reset() {
  guests.clear();
  volumes.clear();
  pools.clear();
  tasks.clear();
  timing = config.timing;
  auth.set_ticket_lifetime(timing.ticket_lifetime);
  faults.clear();
  resources_time_ = -1e300;
  dirty = true;
}

}  // namespace sarga::pvesim
