// LXC containers: list, create from an existing vztmpl volume, config, pending, power,
// template (synchronous, unlike QEMU), destroy, interfaces, resize.
#include <chrono>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/guest_ops.h"
#include "acceptance-tests/pve-sim/prop_string.h"
#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

namespace {

constexpr GuestKind kLxc = GuestKind::lxc;

int vmid_of(const Call& call) { return static_cast<int>(call.integer("vmid")); }

nlohmann::json ct_summary(const SimCore& core, const Guest& g) {
  const auto& c = g.config.current;
  auto get = [&](const char* k, const std::string& def) {
    auto it = c.find(k);
    return it == c.end() ? def : it->second;
  };
  uint64_t maxmem = config_number(get("memory", "512"), 512) << 20;
  uint64_t maxdisk = 0;
  if (c.count("rootfs"))
    if (auto s = parse_size(parse_prop_string(c.at("rootfs"), "volume").options["size"], 'B')) maxdisk = *s;
  nlohmann::json j = {{"vmid", g.vmid},
                      {"name", g.name()},
                      {"type", "lxc"},
                      {"status", g.running ? "running" : "stopped"},
                      {"cpus", config_number(get("cores", "1"), 1)},
                      {"maxmem", maxmem},
                      {"mem", g.running ? maxmem / 8 : 0},
                      {"maxswap", config_number(get("swap", "512"), 512) << 20},
                      {"swap", 0},
                      {"maxdisk", maxdisk},
                      {"disk", g.running ? maxdisk / 10 : 0},
                      {"cpu", 0},
                      {"uptime", g.running ? static_cast<long>(core.now() - g.started) : 0},
                      {"netin", 0},
                      {"netout", 0},
                      {"diskread", 0},
                      {"diskwrite", 0}};
  if (g.running) j["pid"] = 20000 + g.vmid;
  if (g.is_template()) j["template"] = 1;
  if (!g.lock().empty()) j["lock"] = g.lock();
  if (c.count("tags")) j["tags"] = c.at("tags");
  return j;
}

nlohmann::json ct_list(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::shared_lock lk(core.mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [vmid, g] : core.guests)
    if (g.node == node && g.kind == kLxc) out.push_back(ct_summary(core, g));
  return out;
}

std::string ostype_for(const std::string& tmpl) {
  for (const char* os : {"debian", "ubuntu", "alpine", "centos", "fedora", "archlinux", "opensuse", "devuan",
                         "gentoo", "nixos", "almalinux", "rockylinux"})
    if (tmpl.find(os) != std::string::npos) {
      std::string s = os;
      return s == "almalinux" || s == "rockylinux" ? "centos" : s;
    }
  return "unmanaged";
}

std::vector<std::string> storages_for(const Call& call) {
  std::vector<std::string> out;
  for (const auto& [k, v] : call.v.values) {
    if (!is_lxc_disk_key(k)) continue;
    std::string vol = parse_prop_string(v, "volume").positional;
    if (size_t colon = vol.find(':'); colon != std::string::npos) out.push_back(vol.substr(0, colon));
  }
  return out;
}

nlohmann::json ct_create(SimCore& core, Call& call) {
  std::string node = call.str("node");
  int vmid = vmid_of(call);
  core.node_or_throw(node);
  if (call.flag("restore")) throw server_error("pve-sim does not restore backups (restore=1)");
  auto lock = core.locks.acquire(LockTable::lxc_file(vmid), false, std::chrono::milliseconds(1000));
  std::unique_lock lk(core.mutex);
  auto pool_of = [&](int id) { return core.pool_of(id); };
  std::string pool = call.str("pool");
  bool may = core.auth.allowed(call.caller, "/vms/" + std::to_string(vmid), {"VM.Allocate"}, false, pool_of) ||
             (!pool.empty() && core.auth.allowed(call.caller, "/pool/" + pool, {"VM.Allocate"}, false, pool_of));
  if (!may) throw ApiError(403, "Permission check failed (/vms/" + std::to_string(vmid) + ", VM.Allocate)");
  if (Guest* other = core.find_guest(vmid))
    throw server_error(std::string(type_word(other->kind)) + " " + std::to_string(vmid) + " already exists on node '" +
                       other->node + "'");
  if (!pool.empty() && !core.pools.count(pool)) throw server_error("pool '" + pool + "' does not exist");
  std::string ostemplate = call.str("ostemplate");
  Volume* tmpl = core.find_volume(node, ostemplate);
  if (!tmpl || (tmpl->content != "vztmpl" && tmpl->content != "backup"))
    throw server_error("volume '" + ostemplate + "' does not exist");
  bool unprivileged = call.flag("unprivileged", true);
  if (!unprivileged) core.auth.require(call.caller, "/", {"Sys.Modify"}, false, pool_of);
  Guest g;
  g.vmid = vmid;
  g.kind = kLxc;
  g.node = node;
  g.ctime = core.wall();
  Call update = call;
  for (const char* k : {"pool", "start", "storage", "unique", "restore", "force", "ostemplate", "password",
                        "ssh-public-keys", "ignore-unpack-errors", "bwlimit"})
    update.v.values.erase(k);
  if (!update.has("rootfs")) update.v.values["rootfs"] = call.str("storage", "local") + ":4";
  for (const auto& s : storages_for(update))
    core.auth.require(call.caller, "/storage/" + s, {"Datastore.AllocateSpace"}, false, pool_of);
  apply_config_update(core, g, update);
  auto& c = g.config.current;
  c["unprivileged"] = unprivileged ? "1" : "0";
  if (!c.count("arch")) c["arch"] = "amd64";
  if (!c.count("ostype")) c["ostype"] = ostype_for(ostemplate);
  if (!c.count("hostname")) c["hostname"] = "CT" + std::to_string(vmid);
  if (!c.count("memory")) c["memory"] = "512";
  if (!c.count("swap")) c["swap"] = "512";
  c["lock"] = "create";
  bool start = call.flag("start");
  core.guests[vmid] = g;
  if (!pool.empty()) core.pools[pool].vms.insert(vmid);
  TaskSpec spec;
  spec.node = node;
  spec.type = "vzcreate";
  spec.id = std::to_string(vmid);
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of("vzcreate") + (start ? core.timing.duration_of("vzstart") : 0);
  // Like create_and_lock_config: the file lock covers only writing the config; the
  // `lock: create` property guards the guest while the task runs, so a parallel create
  // of the same VMID fails at once with "already exists" instead of a lock timeout.
  spec.log = {"extracting archive '" + ostemplate + "'", "Total bytes read: " + std::to_string(tmpl->size),
              "Detected container architecture: amd64"};
  spec.effect = [&core, vmid, start](Task&) {
    Guest* g = core.find_guest(vmid);
    if (!g) throw std::runtime_error("CT " + std::to_string(vmid) + " vanished during create");
    g->config.current.erase("lock");
    if (start) {
      g->running = true;
      g->started = core.now();
    }
  };
  spec.cleanup = [&core, vmid, node](Task&) {
    Guest* g = core.find_guest(vmid);
    if (!g) return;
    for (const auto& [k, v] : g->config.current)
      if (is_lxc_disk_key(k) || k.rfind("unused", 0) == 0)
        if (std::string vol = disk_volume(v); !vol.empty()) core.free_volume(node, vol);
    for (auto& [id, p] : core.pools) p.vms.erase(vmid);
    core.guests.erase(vmid);
  };
  return core.start_task(std::move(spec));
}

nlohmann::json ct_config_get(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kLxc);
  if (call.has("snapshot")) throw server_error("snapshot '" + call.str("snapshot") + "' does not exist");
  return config_json(core, g, call.flag("current"));
}

nlohmann::json ct_pending(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  return pending_json(core, core.guest_or_throw(call.str("node"), vmid_of(call), kLxc));
}

nlohmann::json ct_config_put(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kLxc, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kLxc);
  apply_config_update(core, g, call);
  return nullptr;
}

nlohmann::json ct_status_current(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kLxc);
  nlohmann::json j = ct_summary(core, g);
  j["ha"] = {{"managed", 0}};
  return j;
}

nlohmann::json ct_start(SimCore& core, Call& call) { return power_task(core, call, kLxc, PowerOp::start); }
nlohmann::json ct_stop(SimCore& core, Call& call) { return power_task(core, call, kLxc, PowerOp::stop); }
nlohmann::json ct_shutdown(SimCore& core, Call& call) { return power_task(core, call, kLxc, PowerOp::shutdown); }
nlohmann::json ct_reboot(SimCore& core, Call& call) { return power_task(core, call, kLxc, PowerOp::reboot); }
nlohmann::json ct_delete(SimCore& core, Call& call) { return destroy_task(core, call, kLxc); }

nlohmann::json ct_template(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kLxc, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kLxc);
  check_not_locked(g);
  if (g.is_template()) throw server_error("CT " + std::to_string(g.vmid) + " is already a template");
  if (g.running) throw server_error("cannot convert running container to template");
  convert_to_template(core, g);
  return nullptr;
}

// Grow rootfs or a mount point volume (PUT .../resize, a task like PVE's); shrinking is refused.
nlohmann::json ct_resize(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kLxc, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kLxc);
  if (call.has("digest") && call.str("digest") != g.config.digest())
    throw server_error("detected modified configuration - file changed by other user? Try again.");
  check_not_locked(g);
  std::string disk = call.str("disk");
  auto it = g.config.current.find(disk);
  if (it == g.config.current.end()) throw server_error("unable to parse config - " + disk + " does not exist");
  ResizeMessages messages{"unable to resize " + disk + ": not a storage volume", "unable to shrink disk size"};
  return resize_volume_task(core, call, g, it->second, "volume", messages, lock);
}

nlohmann::json ct_interfaces(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kLxc);
  if (!g.running) throw server_error("CT " + std::to_string(g.vmid) + " not running");
  nlohmann::json out = nlohmann::json::array();
  out.push_back({{"name", "lo"}, {"hwaddr", "00:00:00:00:00:00"}, {"inet", "127.0.0.1/8"}, {"inet6", "::1/128"}});
  for (const auto& [k, v] : g.config.current) {
    if (k.rfind("net", 0) != 0) continue;
    PropString p = parse_prop_string(v, "");  // every key named: name=, hwaddr=, ip=
    std::string ip = p.options.count("ip") ? p.options["ip"] : "dhcp";
    if (ip == "dhcp" || ip == "manual") ip = "192.168.200." + std::to_string(2 + g.vmid % 250) + "/24";
    out.push_back({{"name", p.options["name"]}, {"hwaddr", p.options["hwaddr"]}, {"inet", ip}});
  }
  return out;
}

}  // namespace

void register_lxc_handlers(Router& r) {
  r.add("GET", "/nodes/{node}/lxc", ct_list);
  r.add("POST", "/nodes/{node}/lxc", ct_create);
  r.add("DELETE", "/nodes/{node}/lxc/{vmid}", ct_delete);
  r.add("GET", "/nodes/{node}/lxc/{vmid}/config", ct_config_get);
  r.add("PUT", "/nodes/{node}/lxc/{vmid}/config", ct_config_put);
  r.add("GET", "/nodes/{node}/lxc/{vmid}/pending", ct_pending);
  r.add("GET", "/nodes/{node}/lxc/{vmid}/status/current", ct_status_current);
  r.add("POST", "/nodes/{node}/lxc/{vmid}/status/start", ct_start);
  r.add("POST", "/nodes/{node}/lxc/{vmid}/status/stop", ct_stop);
  r.add("POST", "/nodes/{node}/lxc/{vmid}/status/shutdown", ct_shutdown);
  r.add("POST", "/nodes/{node}/lxc/{vmid}/status/reboot", ct_reboot);
  r.add("POST", "/nodes/{node}/lxc/{vmid}/template", ct_template);
  r.add("GET", "/nodes/{node}/lxc/{vmid}/interfaces", ct_interfaces);
  r.add("PUT", "/nodes/{node}/lxc/{vmid}/resize", ct_resize);
}

}  // namespace sarga::pvesim
