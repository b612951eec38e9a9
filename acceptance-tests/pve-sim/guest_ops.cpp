#include "acceptance-tests/pve-sim/guest_ops.h"

#include <chrono>
#include <cstdio>
#include <regex>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/import_source.h"
#include "acceptance-tests/pve-sim/prop_string.h"

namespace sarga::pvesim {

const char* type_word(GuestKind kind) { return kind == GuestKind::qemu ? "VM" : "CT"; }

std::string lock_file(GuestKind kind, int vmid) {
  return kind == GuestKind::qemu ? LockTable::qemu_file(vmid) : LockTable::lxc_file(vmid);
}

std::shared_ptr<HeldLock> lock_guest(SimCore& core, GuestKind kind, int vmid) {
  int timeout;
  {
    std::shared_lock lk(core.mutex);
    timeout = core.timing.config_lock_timeout_ms;
  }
  return core.locks.acquire(lock_file(kind, vmid), false, std::chrono::milliseconds(timeout));
}

void check_not_locked(const Guest& g) {
  if (!g.lock().empty()) throw server_error(std::string(type_word(g.kind)) + " is locked (" + g.lock() + ")");
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\0') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string make_mac(uint64_t seed, int vmid, int index) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL ^ (static_cast<uint64_t>(vmid) << 8) ^ static_cast<uint64_t>(index);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  char buf[32];
  std::snprintf(buf, sizeof buf, "BC:24:11:%02X:%02X:%02X", static_cast<unsigned>(x & 0xFF),
                static_cast<unsigned>((x >> 8) & 0xFF), static_cast<unsigned>((x >> 16) & 0xFF));
  return buf;
}

bool is_qemu_disk_key(const std::string& key) {
  static const std::regex re("^((ide|sata|scsi|virtio)\\d+|efidisk0|tpmstate0)$");
  return std::regex_match(key, re);
}

bool is_lxc_disk_key(const std::string& key) {
  static const std::regex re("^(rootfs|mp\\d+)$");
  return std::regex_match(key, re);
}

namespace {

bool is_disk_key(GuestKind kind, const std::string& key) {
  return kind == GuestKind::qemu ? is_qemu_disk_key(key) : is_lxc_disk_key(key);
}

bool is_unused_key(const std::string& key) { return key.rfind("unused", 0) == 0; }

bool is_cloudinit_key(const std::string& key) {
  static const std::set<std::string> keys = {"ciuser", "cipassword", "citype", "ciupgrade", "cicustom",
                                             "sshkeys", "nameserver", "searchdomain"};
  return keys.count(key) || key.rfind("ipconfig", 0) == 0;
}

// Keys a running guest takes at once; everything else waits in [PENDING] until restart.
bool hot(GuestKind kind, const std::string& key) {
  static const std::set<std::string> always = {"name", "description", "tags", "onboot", "protection",
                                               "startup", "hookscript", "lock", "hostname"};
  if (always.count(key)) return true;
  if (kind == GuestKind::qemu) {
    if (is_cloudinit_key(key)) return false;
    return key.rfind("net", 0) == 0 || is_qemu_disk_key(key) || key.rfind("usb", 0) == 0 || is_unused_key(key);
  }
  static const std::set<std::string> cold = {"features", "ostype", "arch", "unprivileged", "cmode",
                                             "console", "tty", "entrypoint", "env"};
  if (cold.count(key) || key == "rootfs" || key.rfind("mp", 0) == 0 || key.rfind("dev", 0) == 0) return false;
  return true;
}

}  // namespace

std::string disk_volume(const std::string& value) {
  PropString p = parse_prop_string(value, value.rfind("volume=", 0) == 0 ? "volume" : "file");
  if (p.positional == "none" || p.positional == "cdrom" || p.positional.find(':') == std::string::npos) return "";
  return p.positional;
}

bool is_cdrom(const std::string& value) {
  PropString p = parse_prop_string(value, "file");
  auto it = p.options.find("media");
  return (it != p.options.end() && it->second == "cdrom") || p.positional == "cdrom";
}

std::string next_unused_key(const GuestConfig& c) {
  for (int i = 0;; ++i) {
    std::string k = "unused" + std::to_string(i);
    if (!c.current.count(k) && !c.pending.count(k)) return k;
  }
}

nlohmann::json config_json(const SimCore& core, const Guest& g, bool current_only) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : g.config.view(current_only)) j[k] = core.typed(g.kind, k, v);
  j["digest"] = g.config.digest();
  return j;
}

nlohmann::json pending_json(const SimCore& core, const Guest& g) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : g.config.pending_items()) {
    nlohmann::json e = {{"key", item.key}};
    if (item.value) e["value"] = core.typed(g.kind, item.key, *item.value);
    if (item.pending) e["pending"] = core.typed(g.kind, item.key, *item.pending);
    if (item.remove) e["delete"] = 1;
    out.push_back(e);
  }
  return out;
}

bool is_update_control_key(const std::string& key) {
  static const std::set<std::string> keys = {"node", "vmid", "digest", "delete", "revert", "skiplock",
                                             "background_delay", "force"};
  return keys.count(key) > 0;
}

std::string materialize_disk(SimCore& core, Guest& g, const std::string& key, const std::string& value,
                             std::vector<std::string>& allocated) {
  bool lxc = g.kind == GuestKind::lxc;
  PropString p = parse_prop_string(value, lxc ? "volume" : "file");
  const std::string& file = p.positional;
  if (!lxc && (is_cdrom(value) || file == "none")) {
    if (file.find(':') != std::string::npos && !core.find_volume(g.node, file))
      throw server_error("volume '" + file + "' does not exist");
    return value;
  }
  static const std::regex new_volume("^([a-zA-Z][a-zA-Z0-9\\-_.]*):(\\d+(\\.\\d+)?)$");
  std::smatch m;
  size_t colon = file.find(':');
  if (!lxc && colon != std::string::npos && file.substr(colon + 1) == "cloudinit") {
    const StorageDef& s = core.storage_or_throw(g.node, file.substr(0, colon));
    std::string name = "vm-" + std::to_string(g.vmid) + "-cloudinit";
    std::string volid = core.allocate_disk(g.node, s.id, g.vmid, 4ULL << 20, "", name);
    allocated.push_back(volid);
    p.positional = volid;
    p.options["media"] = "cdrom";
    return print_prop_string(p);
  }
  if (std::regex_match(file, m, new_volume)) {
    const StorageDef& s = core.storage_or_throw(g.node, m[1]);
    if (!s.content.count(lxc ? "rootdir" : "images"))
      throw server_error("storage '" + s.id + "' does not support " + (lxc ? "container directories" : "vm images"));
    uint64_t size = static_cast<uint64_t>(std::stod(m[2]) * static_cast<double>(1ULL << 30));
    if (auto it = p.options.find("import-from"); it != p.options.end()) {
      size = import_source_size(core, g.node, it->second);
      p.options.erase(it);
    }
    if (key == "efidisk0") {
      auto t = p.options.find("efitype");
      size = (t != p.options.end() && t->second == "4m") ? 540672 : 131072;
    } else if (key == "tpmstate0") {
      size = 4ULL << 20;
    }
    if (size == 0) throw server_error("disk size must be at least 1 byte (" + key + ")");
    std::string fmt = p.options.count("format") ? p.options["format"] : (lxc ? "raw" : "");
    p.options.erase("format");
    std::string volid = core.allocate_disk(g.node, s.id, g.vmid, size, fmt);
    if (lxc) core.find_volume(g.node, volid)->content = "rootdir";
    allocated.push_back(volid);
    p.positional = volid;
    p.options["size"] = format_size(size);
    return print_prop_string(p);
  }
  Volume* v = core.find_volume(g.node, file);
  if (!v) throw server_error("volume '" + file + "' does not exist");
  if (!p.options.count("size")) p.options["size"] = format_size(v->size);
  return print_prop_string(p);
}

void apply_config_update(SimCore& core, Guest& g, const Call& call) {
  if (call.has("digest") && call.str("digest") != g.config.digest())
    throw server_error("detected modified configuration - file changed by other user? Try again.");
  if (!call.flag("skiplock")) check_not_locked(g);
  check_import_sources(core, g.node, call);
  GuestConfig before = g.config;
  std::vector<std::string> allocated;
  try {
    std::set<std::string> revert;
    for (const auto& k : split_list(call.str("revert"))) revert.insert(k);
    g.config.revert(revert);
    for (const auto& key : split_list(call.str("delete"))) {
      if (call.has(key)) throw param_error(key, "cannot set and delete the same option");
      auto cur = g.config.current.find(key);
      if (cur == g.config.current.end()) {
        g.config.pending.erase(key);
        continue;
      }
      if (g.config.current.count("protection") && g.config.current["protection"] == "1" && key != "protection" &&
          is_disk_key(g.kind, key))
        throw server_error("can't remove drive '" + key + "' - protection mode enabled");
      bool defer = g.running && !hot(g.kind, key);
      if (is_unused_key(key)) {
        core.free_volume(g.node, disk_volume(cur->second));
        g.config.remove(key, false);
      } else if (is_disk_key(g.kind, key) && !defer) {
        std::string vol = disk_volume(cur->second);
        bool cdrom = is_cdrom(cur->second);  // an ISO in a cdrom drive is only detached, as in PVE
        g.config.remove(key, false);
        if (!vol.empty() && !cdrom) {
          if (vol.find("-cloudinit") != std::string::npos)
            core.free_volume(g.node, vol);
          else
            g.config.set(next_unused_key(g.config), vol, false);
        }
      } else {
        g.config.remove(key, defer);
      }
    }
    for (const auto& [key, raw] : call.v.values) {
      if (is_update_control_key(key)) continue;
      std::string value = raw;
      const std::string& type = core.key_type(g.kind, key);
      if (type == "boolean") {
        auto b = schema::parse_boolean(value);
        value = b && *b ? "1" : "0";
      }
      if (key == "tags") value = normalize_tags(value, g.kind);
      if (key.rfind("net", 0) == 0 && key.size() > 3 && std::isdigit(static_cast<unsigned char>(key[3]))) {
        int index = std::stoi(key.substr(3));
        const schema::PropertyMap* pm = call.prop(key);
        schema::PropertyMap props = pm ? *pm : schema::PropertyMap{};
        std::string old_mac;
        if (auto cur = g.config.current.find(key); cur != g.config.current.end()) {
          PropString old = parse_prop_string(cur->second, "model");
          if (g.kind == GuestKind::qemu) {
            size_t eq = old.positional.find('=');
            if (eq != std::string::npos) old_mac = old.positional.substr(eq + 1);
          } else if (old.options.count("hwaddr")) {
            old_mac = old.options["hwaddr"];
          }
        }
        if (g.kind == GuestKind::qemu) {
          std::string mac = props.count("macaddr") ? props["macaddr"]
                                                   : (old_mac.empty() ? make_mac(core.config.seed, g.vmid, index) : old_mac);
          PropString out;
          out.positional = props["model"] + "=" + mac;
          for (const auto& [k, v] : props)
            if (k != "model" && k != "macaddr") out.options[k] = v;
          value = print_prop_string(out);
        } else {
          if (!props.count("hwaddr")) props["hwaddr"] = old_mac.empty() ? make_mac(core.config.seed, g.vmid, index) : old_mac;
          if (!props.count("type")) props["type"] = "veth";
          // PVE prints the required key (name) first, then the rest sorted.
          PropString out;
          out.positional = "name=" + props["name"];
          for (const auto& [k, v] : props)
            if (k != "name") out.options[k] = v;
          value = print_prop_string(out);
        }
      }
      bool defer = g.running && !hot(g.kind, key);
      if (is_disk_key(g.kind, key)) {
        std::string old_vol;
        bool old_cdrom = false;  // a swapped ISO is only detached, not kept as an unused disk
        if (auto cur = g.config.current.find(key); cur != g.config.current.end()) {
          old_vol = disk_volume(cur->second);
          old_cdrom = is_cdrom(cur->second);
        }
        std::string new_vol = disk_volume(value);
        if (new_vol.empty() || new_vol != old_vol) {
          value = materialize_disk(core, g, key, value, allocated);
          new_vol = disk_volume(value);
          if (!old_vol.empty() && old_vol != new_vol && !defer && !old_cdrom)
            g.config.set(next_unused_key(g.config), old_vol, false);
        } else if (Volume* v = core.find_volume(g.node, new_vol)) {
          PropString p = parse_prop_string(value, g.kind == GuestKind::lxc ? "volume" : "file");
          p.options["size"] = format_size(v->size);  // size follows the volume, not the request
          value = print_prop_string(p);
        }
      }
      g.config.set(key, value, defer);
    }
  } catch (...) {
    for (const auto& v : allocated) core.free_volume(g.node, v);
    g.config = before;
    throw;
  }
  core.dirty = true;
}

std::string power_task(SimCore& core, const Call& call, GuestKind kind, PowerOp op) {
  int vmid = static_cast<int>(call.integer("vmid"));
  std::string node = call.str("node");
  auto lock = lock_guest(core, kind, vmid);
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(node, vmid, kind);
  if (!call.flag("skiplock")) check_not_locked(g);
  static const char* names[] = {"start", "stop", "shutdown", "reboot"};
  std::string type = std::string(kind == GuestKind::qemu ? "qm" : "vz") + names[static_cast<int>(op)];
  std::string word = type_word(kind), id = std::to_string(vmid);
  std::string error;
  if (op == PowerOp::start) {
    if (g.is_template())
      throw server_error(kind == GuestKind::qemu ? "you can't start a vm if it's a template" : "CT " + id + " is a template");
    if (g.running) error = word + " " + id + " already running";
    for (const auto& [k, v] : g.config.view(false)) {
      if (k.rfind("net", 0) != 0) continue;
      PropString p = parse_prop_string(v, "model");
      auto br = p.options.find("bridge");
      if (br != p.options.end() &&
          std::find(core.config.bridges.begin(), core.config.bridges.end(), br->second) == core.config.bridges.end())
        error = "bridge '" + br->second + "' does not exist";
    }
  } else if ((op == PowerOp::shutdown || op == PowerOp::reboot) && !g.running) {
    error = word + " " + id + " not running";
  }
  TaskSpec spec;
  spec.node = node;
  spec.type = type;
  spec.id = id;
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of(type);
  spec.locks.push_back(lock);
  if (!error.empty()) spec.fault = TaskFault{error, 0};
  if (op == PowerOp::start && kind == GuestKind::qemu) spec.log.push_back("generating cloud-init ISO");
  spec.effect = [&core, vmid, kind, op, word, id](Task&) {
    Guest* g = core.find_guest(vmid);
    if (!g || g->kind != kind) throw std::runtime_error(word + " " + id + " does not exist");
    switch (op) {
      case PowerOp::start:
        g->config.apply_pending();
        g->running = true;
        g->started = core.now();
        break;
      case PowerOp::stop:
      case PowerOp::shutdown:
        g->running = false;
        break;
      case PowerOp::reboot:
        g->config.apply_pending();
        g->started = core.now();
        break;
    }
  };
  return core.start_task(std::move(spec));
}

std::string destroy_task(SimCore& core, const Call& call, GuestKind kind) {
  int vmid = static_cast<int>(call.integer("vmid"));
  std::string node = call.str("node");
  auto lock = lock_guest(core, kind, vmid);
  std::unique_lock lk(core.mutex);
  Guest& g = core.guest_or_throw(node, vmid, kind);
  std::string id = std::to_string(vmid);
  if (!call.flag("skiplock")) check_not_locked(g);
  if (g.config.current.count("protection") && g.config.current.at("protection") == "1")
    throw server_error(std::string("can't remove ") + type_word(kind) + " " + id + " - protection mode enabled");
  if (g.running) {
    if (kind == GuestKind::qemu) throw server_error("VM " + id + " is running - destroy failed");
    if (!call.flag("force")) throw server_error("unable to destroy CT " + id + " - container is running");
  }
  TaskSpec spec;
  spec.node = node;
  spec.type = kind == GuestKind::qemu ? "qmdestroy" : "vzdestroy";
  spec.id = id;
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of(spec.type);
  spec.locks.push_back(lock);
  bool unreferenced = call.flag("destroy-unreferenced-disks");
  spec.effect = [&core, vmid, node, unreferenced](Task& t) {
    Guest* g = core.find_guest(vmid);
    if (!g) return;
    std::set<std::string> vols;
    for (const auto* m : {&g->config.current, &g->config.pending})
      for (const auto& [k, v] : *m)
        if (is_qemu_disk_key(k) || is_lxc_disk_key(k) || is_unused_key(k))
          // qemu-server's destroy_vm skips cdroms but not the cloud-init drive (drive_is_cdrom($d, 1)).
          if (std::string vol = disk_volume(v); !vol.empty() && (!is_cdrom(v) || vol.find("-cloudinit") != std::string::npos))
            vols.insert(vol);
    for (const auto& vol : vols)
      for (const auto& [loc, m] : core.volumes)
        for (const auto& [id, v] : m)
          if (v.parent == vol && vols.count(id) == 0)
            throw std::runtime_error("base volume '" + vol + "' is still in use by linked cloned");
    for (const auto& vol : vols) {
      core.free_volume(node, vol);
      t.log.push_back("Removing image: 100% complete...done.");
    }
    if (unreferenced)
      for (auto& [loc, m] : core.volumes)
        for (auto it = m.begin(); it != m.end();)
          it = (it->second.vmid == vmid && (it->second.content == "images" || it->second.content == "rootdir"))
                   ? m.erase(it)
                   : std::next(it);
    for (auto& [pid, p] : core.pools) p.vms.erase(vmid);
    core.guests.erase(vmid);
  };
  return core.start_task(std::move(spec));
}

void convert_to_template(SimCore& core, Guest& g) {
  std::string needle = "vm-" + std::to_string(g.vmid) + "-disk-";
  for (auto& [k, v] : g.config.current) {
    if (!(is_qemu_disk_key(k) || is_lxc_disk_key(k)) || is_cdrom(v)) continue;
    std::string vol = disk_volume(v);
    size_t pos = vol.find(needle);
    if (vol.empty() || pos == std::string::npos) continue;
    Volume* old = core.find_volume(g.node, vol);
    if (!old) continue;
    std::string renamed = vol;
    renamed.replace(pos, 2, "base");
    Volume copy = *old;
    copy.volid = renamed;
    core.free_volume(g.node, vol);
    const StorageDef& s = core.storage_or_throw(g.node, vol.substr(0, vol.find(':')));
    core.volumes[core.location(s, g.node)][renamed] = copy;
    v.replace(v.find(vol), vol.size(), renamed);
  }
  g.config.current["template"] = "1";
  core.dirty = true;
}

std::string resize_volume_task(SimCore& core, const Call& call, Guest& g, std::string& value,
                               const std::string& volume_key, const ResizeMessages& messages,
                               std::shared_ptr<HeldLock> lock) {
  PropString p = parse_prop_string(value, volume_key);
  Volume* v = core.find_volume(g.node, p.positional);
  if (!v) {
    std::string text = messages.missing_volume;
    if (auto at = text.find("{}"); at != std::string::npos) text.replace(at, 2, p.positional);
    throw server_error(text);
  }
  std::string size = call.str("size");
  bool relative = !size.empty() && size[0] == '+';
  auto amount = parse_size(relative ? size.substr(1) : size, 'B');
  if (!amount) throw param_error("size", "unable to parse size '" + size + "'");
  uint64_t new_size = relative ? v->size + *amount : *amount;
  if (new_size < v->size) throw server_error(messages.shrink);
  std::string before = format_size(v->size);
  v->size = new_size;
  p.options["size"] = format_size(new_size);
  value = print_prop_string(p);
  core.dirty = true;
  TaskSpec spec;
  spec.node = g.node;
  spec.type = "resize";
  spec.id = std::to_string(g.vmid);
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of("resize");
  spec.locks.push_back(std::move(lock));
  spec.log = {"Size of logical volume " + p.positional + " changed from " + before + " to " + format_size(new_size) + "."};
  return core.start_task(std::move(spec));
}

}  // namespace sarga::pvesim
