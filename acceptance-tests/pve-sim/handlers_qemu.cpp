// QEMU VMs: list, create (incl. import-from), clone (full/linked, PVE's locks), config
// GET/PUT/POST, pending, resize, power, template, destroy, cloud-init, guest agent.
#include <chrono>
#include <regex>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/guest_ops.h"
#include "acceptance-tests/pve-sim/prop_string.h"
#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

namespace {

constexpr GuestKind kQemu = GuestKind::qemu;

int vmid_of(const Call& call) { return static_cast<int>(call.integer("vmid")); }

std::string uuid_for(uint64_t seed, int vmid, int salt) {
  std::string a = make_mac(seed, vmid, 1000 + salt), b = make_mac(seed, vmid, 2000 + salt);
  std::string hex;
  for (const auto& s : {a, b})
    for (char c : s.substr(9))
      if (c != ':') hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  // 12 hex digits from the two MAC tails, padded into UUID shape.
  return "5a1f0c3e-" + hex.substr(0, 4) + "-4" + hex.substr(4, 3) + "-8" + hex.substr(7, 3) + "-0000" +
         std::to_string(100000000 + vmid).substr(1);
}

nlohmann::json vm_summary(const SimCore& core, const Guest& g) {
  const auto& c = g.config.current;
  auto get = [&](const char* k, const std::string& def) {
    auto it = c.find(k);
    return it == c.end() ? def : it->second;
  };
  uint64_t maxmem = config_number(get("memory", "2048"), 2048) << 20;
  uint64_t maxdisk = 0;
  for (const auto& [k, v] : c)
    if (is_qemu_disk_key(k) && !is_cdrom(v))
      if (auto size = parse_size(parse_prop_string(v, "file").options["size"], 'B')) maxdisk += *size;
  nlohmann::json j = {{"vmid", g.vmid},
                      {"name", g.name()},
                      {"status", g.running ? "running" : "stopped"},
                      {"cpus", config_number(get("cores", "1"), 1) * config_number(get("sockets", "1"), 1)},
                      {"maxmem", maxmem},
                      {"mem", g.running ? maxmem / 4 : 0},
                      {"maxdisk", maxdisk},
                      {"disk", 0},
                      {"cpu", g.running ? 0.01 : 0.0},
                      {"uptime", g.running ? static_cast<long>(core.now() - g.started) : 0},
                      {"netin", 0},
                      {"netout", 0},
                      {"diskread", 0},
                      {"diskwrite", 0}};
  // Each start is a new QEMU process, as on PVE: the pid changes (clients detect restarts).
  if (g.running) j["pid"] = 1000 + (g.vmid * 7919L + static_cast<long>(g.started * 1000)) % 4'000'000;
  if (g.is_template()) j["template"] = 1;
  if (!g.lock().empty()) j["lock"] = g.lock();
  if (c.count("tags")) j["tags"] = c.at("tags");
  return j;
}

nlohmann::json vm_list(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::shared_lock lk(core.mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [vmid, g] : core.guests)
    if (g.node == node && g.kind == kQemu) out.push_back(vm_summary(core, g));
  return out;
}

nlohmann::json vm_index(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  nlohmann::json out = nlohmann::json::array();
  for (const char* s : {"config", "pending", "status", "agent", "clone", "resize", "template", "cloudinit"})
    out.push_back({{"subdir", s}});
  return out;
}

// Create needs VM.Allocate on the VM (or its pool) and Datastore.AllocateSpace on storages used.
void check_create_permissions(SimCore& core, const Call& call, int vmid, const std::vector<std::string>& storages) {
  auto pool_of = [&](int id) { return core.pool_of(id); };
  std::string pool = call.str("pool");
  bool ok = core.auth.allowed(call.caller, "/vms/" + std::to_string(vmid), {"VM.Allocate"}, false, pool_of) ||
            (!pool.empty() && core.auth.allowed(call.caller, "/pool/" + pool, {"VM.Allocate"}, false, pool_of));
  if (!ok) throw ApiError(403, "Permission check failed (/vms/" + std::to_string(vmid) + ", VM.Allocate)");
  for (const auto& s : storages) core.auth.require(call.caller, "/storage/" + s, {"Datastore.AllocateSpace"}, false, pool_of);
}

std::string already_exists(SimCore& core, int vmid) {
  const Guest* g = core.find_guest(vmid);
  return std::string(type_word(g->kind)) + " " + std::to_string(vmid) + " already exists on node '" + g->node + "'";
}

std::vector<std::string> storages_named(const Call& call, GuestKind kind) {
  std::vector<std::string> out;
  for (const auto& [k, v] : call.v.values) {
    if (!(kind == kQemu ? is_qemu_disk_key(k) : is_lxc_disk_key(k))) continue;
    std::string file = parse_prop_string(v, kind == kQemu ? "file" : "volume").positional;
    size_t colon = file.find(':');
    if (colon != std::string::npos && !is_cdrom(v)) out.push_back(file.substr(0, colon));
  }
  return out;
}

nlohmann::json vm_create(SimCore& core, Call& call) {
  std::string node = call.str("node");
  int vmid = vmid_of(call);
  core.node_or_throw(node);
  if (call.has("archive")) throw server_error("pve-sim does not restore backups (archive)");
  auto lock = core.locks.acquire(LockTable::qemu_file(vmid), false, std::chrono::milliseconds(1000));
  std::unique_lock lk(core.mutex);
  check_create_permissions(core, call, vmid, storages_named(call, kQemu));
  if (core.find_guest(vmid)) throw server_error(already_exists(core, vmid));
  std::string pool = call.str("pool");
  if (!pool.empty() && !core.pools.count(pool)) throw server_error("pool '" + pool + "' does not exist");
  Guest g;
  g.vmid = vmid;
  g.kind = kQemu;
  g.node = node;
  g.ctime = core.wall();
  Call update = call;
  for (const char* k : {"pool", "start", "storage", "unique", "archive", "live-restore", "bwlimit",
                        "import-working-storage", "force"})
    update.v.values.erase(k);
  apply_config_update(core, g, update);
  auto& c = g.config.current;
  if (!c.count("smbios1")) c["smbios1"] = "uuid=" + uuid_for(core.config.seed, vmid, 0);
  if (!c.count("vmgenid")) c["vmgenid"] = uuid_for(core.config.seed, vmid, 1);
  c["meta"] = "creation-qemu=9.2.0,ctime=" + std::to_string(core.wall());
  c["lock"] = "create";
  bool start = call.flag("start");
  core.guests[vmid] = g;
  if (!pool.empty()) core.pools[pool].vms.insert(vmid);
  TaskSpec spec;
  spec.node = node;
  spec.type = "qmcreate";
  spec.id = std::to_string(vmid);
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of("qmcreate") + (start ? core.timing.duration_of("qmstart") : 0);
  // Like create_and_lock_config: the file lock covers only writing the config; the
  // `lock: create` property guards the guest while the task runs, so a parallel create
  // of the same VMID fails at once with "already exists" instead of a lock timeout.
  for (const auto& [k, v] : c)
    if (is_qemu_disk_key(k) && !is_cdrom(v)) spec.log.push_back(k + ": successfully created disk '" + v + "'");
  spec.effect = [&core, vmid, start](Task&) {
    Guest* g = core.find_guest(vmid);
    if (!g) throw std::runtime_error("VM " + std::to_string(vmid) + " vanished during create");
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
      if (std::string vol = disk_volume(v);
          !vol.empty() && (!is_cdrom(v) || vol.find("-cloudinit") != std::string::npos) && vol.find(':') != std::string::npos &&
                                             (is_qemu_disk_key(k) || k.rfind("unused", 0) == 0))
        core.free_volume(node, vol);
    for (auto& [id, p] : core.pools) p.vms.erase(vmid);
    core.guests.erase(vmid);
  };
  return core.start_task(std::move(spec));
}

nlohmann::json vm_clone(SimCore& core, Call& call) {
  std::string node = call.str("node");
  int vmid = vmid_of(call);
  int newid = static_cast<int>(call.integer("newid"));
  bool source_shared;
  int timeout;
  {
    std::shared_lock lk(core.mutex);
    Guest& src = core.guest_or_throw(node, vmid, kQemu);
    source_shared = src.is_template() || !src.running;
    timeout = core.timing.clone_lock_timeout_ms;
    if (core.find_guest(newid)) throw server_error(already_exists(core, newid));
  }
  // qemu-server: source lock (shared when stopped or a template), then the new VM's lock,
  // both with a 1 s timeout and held for the whole clone.
  auto src_lock = core.locks.acquire(LockTable::qemu_file(vmid), source_shared, std::chrono::milliseconds(timeout));
  auto new_lock = core.locks.acquire(LockTable::qemu_file(newid), false, std::chrono::milliseconds(timeout));
  std::unique_lock lk(core.mutex);
  Guest& src = core.guest_or_throw(node, vmid, kQemu);
  if (core.find_guest(newid)) throw server_error(already_exists(core, newid));
  std::string target = call.str("target", node);
  core.node_or_throw(target);
  bool is_template = src.is_template();
  bool full = call.flag("full", !is_template);
  if (!full && !is_template) throw server_error("linked clone feature is only supported for templates");
  if (!full && call.has("storage")) throw param_error("storage", "parameter 'storage' not allowed for linked clones");
  if (call.has("snapname")) throw server_error("pve-sim has no snapshots: snapshot '" + call.str("snapname") + "' does not exist");
  std::string pool = call.str("pool");
  if (!pool.empty() && !core.pools.count(pool)) throw server_error("pool '" + pool + "' does not exist");
  std::string storage = call.str("storage");
  std::vector<std::string> used;
  for (const auto& [k, v] : src.config.current) {
    if (!is_qemu_disk_key(k)) continue;
    std::string vol = disk_volume(v);
    // qemu-server's check_storage_access_clone: the SOURCE volumes (cdroms included) must be
    // on shared storage for a clone to another node; `storage` only picks the target.
    const StorageDef* source_storage = vol.empty() ? nullptr : core.config.storage(vol.substr(0, vol.find(':')));
    if (target != node && source_storage && !source_storage->shared)
      throw server_error("can't clone VM to node '" + target + "' (VM uses local storage)");
    if (is_cdrom(v)) continue;
    std::string sid = storage.empty() ? vol.substr(0, vol.find(':')) : storage;
    used.push_back(sid);
  }
  auto pool_of = [&](int id) { return core.pool_of(id); };
  bool may = core.auth.allowed(call.caller, "/vms/" + std::to_string(newid), {"VM.Allocate"}, false, pool_of) ||
             (!pool.empty() && core.auth.allowed(call.caller, "/pool/" + pool, {"VM.Allocate"}, false, pool_of));
  if (!may) throw ApiError(403, "Permission check failed (/vms/" + std::to_string(newid) + ", VM.Allocate)");
  for (const auto& s : used) core.auth.require(call.caller, "/storage/" + s, {"Datastore.AllocateSpace"}, false, pool_of);

  Guest g;
  g.vmid = newid;
  g.kind = kQemu;
  g.node = target;
  g.ctime = core.wall();
  std::vector<std::string> allocated, log;
  log.push_back(std::string("create ") + (full ? "full" : "linked") + " clone of drive(s) of VM " + std::to_string(vmid));
  try {
    for (const auto& [k, v] : src.config.current) {
      if (k == "lock" || k == "template" || k == "meta" || k == "vmgenid" || k.rfind("unused", 0) == 0 ||
          k == "parent")
        continue;
      std::string value = v;
      if (is_qemu_disk_key(k) && !is_cdrom(v)) {
        PropString p = parse_prop_string(v, "file");
        Volume* sv = core.find_volume(node, p.positional);
        if (!sv) throw server_error("volume '" + p.positional + "' does not exist");
        std::string sid = storage.empty() ? p.positional.substr(0, p.positional.find(':')) : storage;
        if (full) {
          p.positional = core.allocate_disk(target, sid, newid, sv->size, call.str("format"));
        } else {
          const StorageDef& s = core.storage_or_throw(target, sid);
          std::string name = p.positional.substr(p.positional.find(':') + 1);
          std::string base = s.type == "lvmthin" ? name : name;
          std::string child = "vm-" + std::to_string(newid) + "-disk-" + std::to_string(allocated.size());
          std::string volid = s.type == "lvmthin"
                                  ? s.id + ":" + base + "/" + child
                                  : s.id + ":" + base + "/" + std::to_string(newid) + "/" + child + ".qcow2";
          Volume nv = *sv;
          nv.volid = volid;
          nv.vmid = newid;
          nv.parent = p.positional;
          nv.ctime = core.wall();
          core.volumes[core.location(s, target)][volid] = nv;
          p.positional = volid;
        }
        allocated.push_back(p.positional);
        log.push_back("drive " + k + ": " + v.substr(0, v.find(',')) + " -> " + p.positional);
        value = print_prop_string(p);
      } else if (is_qemu_disk_key(k) && v.find("-cloudinit") != std::string::npos) {
        PropString p = parse_prop_string(v, "file");
        std::string sid = p.positional.substr(0, p.positional.find(':'));
        p.positional = core.allocate_disk(target, sid, newid, 4ULL << 20, "", "vm-" + std::to_string(newid) + "-cloudinit");
        allocated.push_back(p.positional);
        value = print_prop_string(p);
      } else if (k.rfind("net", 0) == 0) {
        PropString p = parse_prop_string(v, "model");
        size_t eq = p.positional.find('=');
        std::string model = eq == std::string::npos ? p.positional : p.positional.substr(0, eq);
        if (model.empty()) {
          // "virtio=MAC,..." parses as an option named after the model (PVE's alias for
          // model + macaddr); so does "model=..,macaddr=..".
          static const std::regex mac_re("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$");
          for (auto it = p.options.begin(); it != p.options.end();) {
            if (it->first == "model" || (it->first != "macaddr" && std::regex_match(it->second, mac_re))) {
              model = it->first == "model" ? it->second : it->first;
              it = p.options.erase(it);
            } else {
              ++it;
            }
          }
          p.options.erase("macaddr");
        }
        p.positional = model + "=" + make_mac(core.config.seed, newid, std::stoi(k.substr(3)));
        value = print_prop_string(p);
      } else if (k == "smbios1") {
        value = "uuid=" + uuid_for(core.config.seed, newid, 0);
      }
      g.config.current[k] = value;
    }
  } catch (...) {
    for (const auto& v : allocated) core.free_volume(target, v);
    throw;
  }
  auto& c = g.config.current;
  c["name"] = call.has("name") ? call.str("name") : "Copy-of-VM-" + src.name();
  if (call.has("description")) c["description"] = call.str("description");
  c["vmgenid"] = uuid_for(core.config.seed, newid, 1);
  c["meta"] = "creation-qemu=9.2.0,ctime=" + std::to_string(core.wall());
  c["lock"] = "clone";
  core.guests[newid] = g;
  if (!pool.empty()) core.pools[pool].vms.insert(newid);

  TaskSpec spec;
  spec.node = node;
  spec.type = "qmclone";
  spec.id = std::to_string(vmid);
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of("qmclone");
  spec.locks = {src_lock, new_lock};
  spec.log = log;
  spec.effect = [&core, newid](Task&) {
    Guest* g = core.find_guest(newid);
    if (!g) throw std::runtime_error("clone target VM " + std::to_string(newid) + " vanished");
    g->config.current.erase("lock");
  };
  spec.cleanup = [&core, newid, target, allocated](Task&) {
    for (const auto& v : allocated) core.free_volume(target, v);
    for (auto& [id, p] : core.pools) p.vms.erase(newid);
    core.guests.erase(newid);
  };
  return core.start_task(std::move(spec));
}

nlohmann::json vm_config_get(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  if (call.has("snapshot")) throw server_error("snapshot '" + call.str("snapshot") + "' does not exist");
  return config_json(core, g, call.flag("current"));
}

nlohmann::json vm_pending(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  return pending_json(core, core.guest_or_throw(call.str("node"), vmid_of(call), kQemu));
}

nlohmann::json vm_config_put(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kQemu, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  apply_config_update(core, g, call);
  return nullptr;
}

nlohmann::json vm_config_post(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kQemu, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  apply_config_update(core, g, call);
  TaskSpec spec;
  spec.node = g.node;
  spec.type = "qmconfig";
  spec.id = std::to_string(g.vmid);
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of("qmconfig");
  spec.locks.push_back(lock);
  // background_delay: PVE returns null when the worker finished within the delay.
  if (call.has("background_delay") && spec.duration <= static_cast<double>(call.integer("background_delay")))
    return nullptr;
  return core.start_task(std::move(spec));
}

nlohmann::json vm_resize(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kQemu, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  if (call.has("digest") && call.str("digest") != g.config.digest())
    throw server_error("detected modified configuration - file changed by other user? Try again.");
  if (!call.flag("skiplock")) check_not_locked(g);
  std::string disk = call.str("disk");
  auto it = g.config.current.find(disk);
  if (it == g.config.current.end()) throw server_error("disk '" + disk + "' does not exist");
  if (is_cdrom(it->second)) throw server_error("you can't resize a cdrom");
  ResizeMessages messages{"volume '{}' does not exist", "shrinking disks is not supported"};
  return resize_volume_task(core, call, g, it->second, "file", messages, lock);
}

nlohmann::json vm_status_current(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  nlohmann::json j = vm_summary(core, g);
  j["qmpstatus"] = g.running ? "running" : "stopped";
  j["ha"] = {{"managed", 0}};
  auto agent = g.config.current.find("agent");
  if (agent != g.config.current.end()) {
    PropString p = parse_prop_string(agent->second, "enabled");
    auto b = schema::parse_boolean(p.positional.empty() ? p.options["enabled"] : p.positional);
    if (b && *b) j["agent"] = 1;
  }
  if (g.running) {
    j["running-machine"] = "pc-i440fx-9.2+pve1";
    j["running-qemu"] = "9.2.0";
  }
  return j;
}

nlohmann::json vm_start(SimCore& core, Call& call) { return power_task(core, call, kQemu, PowerOp::start); }
nlohmann::json vm_stop(SimCore& core, Call& call) { return power_task(core, call, kQemu, PowerOp::stop); }
nlohmann::json vm_shutdown(SimCore& core, Call& call) { return power_task(core, call, kQemu, PowerOp::shutdown); }
nlohmann::json vm_reboot(SimCore& core, Call& call) { return power_task(core, call, kQemu, PowerOp::reboot); }
nlohmann::json vm_delete(SimCore& core, Call& call) { return destroy_task(core, call, kQemu); }

nlohmann::json vm_template(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kQemu, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  check_not_locked(g);
  if (g.is_template()) throw server_error("you can't convert a template to a template");
  if (g.running) throw server_error("you can't convert a VM to template if VM is running");
  int vmid = g.vmid;
  TaskSpec spec;
  spec.node = g.node;
  spec.type = "qmtemplate";
  spec.id = std::to_string(vmid);
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of("qmtemplate");
  spec.locks.push_back(lock);
  spec.effect = [&core, vmid](Task&) {
    Guest* g = core.find_guest(vmid);
    if (!g) throw std::runtime_error("VM " + std::to_string(vmid) + " vanished");
    convert_to_template(core, *g);
  };
  return core.start_task(std::move(spec));
}

nlohmann::json vm_cloudinit_get(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : pending_json(core, g)) {
    std::string k = e["key"];
    if (k.rfind("ci", 0) == 0 || k.rfind("ipconfig", 0) == 0 || k == "sshkeys" || k == "nameserver" ||
        k == "searchdomain")
      out.push_back(e);
  }
  return out;
}

nlohmann::json vm_cloudinit_put(SimCore& core, Call& call) {
  auto lock = lock_guest(core, kQemu, vmid_of(call));
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  // Regenerating the drive takes the pending cloud-init values into the config.
  for (auto it = g.config.pending.begin(); it != g.config.pending.end();) {
    const std::string& k = it->first;
    if (k.rfind("ci", 0) == 0 || k.rfind("ipconfig", 0) == 0 || k == "sshkeys" || k == "nameserver" ||
        k == "searchdomain") {
      g.config.current[k] = it->second;
      it = g.config.pending.erase(it);
    } else {
      ++it;
    }
  }
  core.dirty = true;
  return nullptr;
}

// --- guest agent ---

void require_agent(SimCore& core, const Guest& g) {
  auto agent = g.config.current.find("agent");
  bool enabled = false;
  if (agent != g.config.current.end()) {
    PropString p = parse_prop_string(agent->second, "enabled");
    auto b = schema::parse_boolean(p.positional.empty() ? p.options["enabled"] : p.positional);
    enabled = b && *b;
  }
  if (!enabled) throw server_error("No QEMU guest agent configured");
  if (!g.running) throw server_error("VM " + std::to_string(g.vmid) + " is not running");
  if (core.now() - g.started < core.timing.agent_boot_delay) throw server_error("QEMU guest agent is not running");
}

nlohmann::json agent_ping(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  require_agent(core, core.guest_or_throw(call.str("node"), vmid_of(call), kQemu));
  return {{"result", nlohmann::json::object()}};
}

std::string guest_ipv4(const Guest& g, int index) {
  auto ipc = g.config.current.find("ipconfig" + std::to_string(index));
  if (ipc != g.config.current.end()) {
    PropString p = parse_prop_string(ipc->second, "ip");
    std::string ip = p.options.count("ip") ? p.options["ip"] : "";
    if (!ip.empty() && ip != "dhcp") return ip;
  }
  return "192.168." + std::to_string(100 + index) + "." + std::to_string(2 + g.vmid % 250) + "/24";
}

nlohmann::json agent_interfaces(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  require_agent(core, g);
  nlohmann::json result = nlohmann::json::array();
  result.push_back({{"name", "lo"},
                    {"hardware-address", "00:00:00:00:00:00"},
                    {"ip-addresses",
                     {{{"ip-address", "127.0.0.1"}, {"ip-address-type", "ipv4"}, {"prefix", 8}},
                      {{"ip-address", "::1"}, {"ip-address-type", "ipv6"}, {"prefix", 128}}}}});
  int eth = 0;
  for (const auto& [k, v] : g.config.current) {
    if (k.rfind("net", 0) != 0) continue;
    int index = std::stoi(k.substr(3));
    PropString p = parse_prop_string(v, "model");
    std::string mac = p.positional.substr(p.positional.find('=') + 1);
    for (char& c : mac) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string cidr = guest_ipv4(g, index);
    size_t slash = cidr.find('/');
    result.push_back({{"name", "eth" + std::to_string(eth++)},
                      {"hardware-address", mac},
                      {"ip-addresses",
                       {{{"ip-address", cidr.substr(0, slash)},
                         {"ip-address-type", "ipv4"},
                         {"prefix", slash == std::string::npos ? 24 : std::stoi(cidr.substr(slash + 1))}},
                        {{"ip-address", "fe80::be24:11ff:fe00:" + std::to_string(index)},
                         {"ip-address-type", "ipv6"},
                         {"prefix", 64}}}}});
  }
  return {{"result", result}};
}

nlohmann::json agent_exec(SimCore& core, Call& call) {
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  require_agent(core, g);
  std::vector<std::string> cmd;
  if (auto it = call.v.arrays.find("command"); it != call.v.arrays.end()) cmd = it->second;
  else if (call.has("command")) cmd = {call.str("command")};
  if (cmd.empty()) throw param_error("command", "property is missing and it is not optional");
  AgentExec e;
  // A tiny guest: echo prints its arguments, cat echoes input-data, false fails, the rest succeed quietly.
  if (cmd[0] == "echo" || cmd[0] == "/bin/echo") {
    for (size_t i = 1; i < cmd.size(); ++i) e.out += (i > 1 ? " " : "") + cmd[i];
    e.out += "\n";
  } else if (cmd[0] == "cat") {
    e.out = call.str("input-data");
  } else if (cmd[0] == "false" || cmd[0] == "/bin/false") {
    e.exitcode = 1;
  }
  int pid = g.next_exec_pid++;
  g.execs[pid] = e;
  return {{"pid", pid}};
}

nlohmann::json agent_exec_status(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  const Guest& g = core.guest_or_throw(call.str("node"), vmid_of(call), kQemu);
  require_agent(core, g);
  int pid = static_cast<int>(call.integer("pid"));
  auto it = g.execs.find(pid);
  if (it == g.execs.end()) throw server_error("Agent error: Invalid parameter 'pid'");
  nlohmann::json j = {{"exited", 1}, {"exitcode", it->second.exitcode}};
  if (!it->second.out.empty()) j["out-data"] = it->second.out;
  return j;
}

}  // namespace

void register_qemu_handlers(Router& r) {
  r.add("GET", "/nodes/{node}/qemu", vm_list);
  r.add("POST", "/nodes/{node}/qemu", vm_create);
  r.add("GET", "/nodes/{node}/qemu/{vmid}", vm_index);
  r.add("DELETE", "/nodes/{node}/qemu/{vmid}", vm_delete);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/clone", vm_clone);
  r.add("GET", "/nodes/{node}/qemu/{vmid}/config", vm_config_get);
  r.add("PUT", "/nodes/{node}/qemu/{vmid}/config", vm_config_put);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/config", vm_config_post);
  r.add("GET", "/nodes/{node}/qemu/{vmid}/pending", vm_pending);
  r.add("PUT", "/nodes/{node}/qemu/{vmid}/resize", vm_resize);
  r.add("GET", "/nodes/{node}/qemu/{vmid}/status/current", vm_status_current);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/status/start", vm_start);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/status/stop", vm_stop);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown", vm_shutdown);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/status/reboot", vm_reboot);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/template", vm_template);
  r.add("GET", "/nodes/{node}/qemu/{vmid}/cloudinit", vm_cloudinit_get);
  r.add("PUT", "/nodes/{node}/qemu/{vmid}/cloudinit", vm_cloudinit_put);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/agent/ping", agent_ping);
  r.add("GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces", agent_interfaces);
  r.add("POST", "/nodes/{node}/qemu/{vmid}/agent/exec", agent_exec);
  r.add("GET", "/nodes/{node}/qemu/{vmid}/agent/exec-status", agent_exec_status);
}

}  // namespace sarga::pvesim
