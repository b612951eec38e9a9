#include "provider/resources/lxc/spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>

#include "lib/pve/prop_string.h"

namespace sarga::resources::lxc {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

bool truthy(const std::optional<std::string>& v) { return v && (*v == "1" || *v == "true" || *v == "yes" || *v == "on"); }

std::optional<std::string> lookup(const std::map<std::string, std::string>& c, const std::string& key) {
  auto it = c.find(key);
  if (it == c.end()) return std::nullopt;
  return it->second;
}

int64_t to_int(const std::string& key, const std::string& text) {
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument("PVE config key '" + key + "': expected a whole number, got '" + text + "'");
}

pve::PropString parse(const std::string& key, const std::string& text, std::string_view default_key) {
  try {
    return pve::parse_prop_string(text, default_key);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("PVE config key '" + key + "': " + e.what());
  }
}

double size_gb_of(const std::string& key, const pve::PropString& p) {
  auto size = p.get("size");
  if (!size) return 0;
  auto bytes = pve::parse_size_bytes(*size);
  if (!bytes) throw std::invalid_argument("PVE config key '" + key + "': cannot read size '" + *size + "'");
  return static_cast<double>(*bytes) / kGiB;
}

std::string number_text(double v) {
  if (std::floor(v) == v) return std::to_string(static_cast<int64_t>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

std::string flag(bool b) { return b ? "1" : "0"; }

bool is_slot(const std::string& key, const char* prefix) {
  size_t n = std::char_traits<char>::length(prefix);
  return key.size() > n && key.compare(0, n, prefix) == 0 &&
         std::all_of(key.begin() + static_cast<long>(n), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> lowered_sorted(std::vector<std::string> tags) {
  for (auto& t : tags) std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

bool same_options(const MountPoint& a, const MountPoint& b) {
  return a.path == b.path && a.backup.value_or(false) == b.backup.value_or(false) &&
         a.read_only.value_or(false) == b.read_only.value_or(false) && a.volume == b.volume;
}

// PVE's tag list: separated by ';', ',' or blanks.
std::vector<std::string> split_tags(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ";") {
    if (c == ';' || c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  return out;
}

}  // namespace

Spec spec_from_config(const std::map<std::string, std::string>& config) {
  Spec s;
  s.hostname = lookup(config, "hostname");
  s.description = lookup(config, "description");
  if (auto v = lookup(config, "cores")) s.cores = to_int("cores", *v);
  if (auto v = lookup(config, "memory")) s.memory = to_int("memory", *v);
  if (auto v = lookup(config, "swap")) s.swap = to_int("swap", *v);
  s.unprivileged = truthy(lookup(config, "unprivileged"));
  s.on_boot = truthy(lookup(config, "onboot"));
  s.protection = truthy(lookup(config, "protection"));
  if (auto v = lookup(config, "features"); v && !v->empty()) {
    pve::PropString p = parse("features", *v, {});
    Features f;
    f.nesting = truthy(p.get("nesting"));
    f.keyctl = truthy(p.get("keyctl"));
    f.fuse = truthy(p.get("fuse"));
    s.features = f;
  }
  if (auto v = lookup(config, "tags")) s.tags = split_tags(*v);
  if (auto v = lookup(config, "rootfs")) {
    pve::PropString p = parse("rootfs", *v, "volume");
    s.rootfs.volume = p.first.value_or("");
    s.rootfs.storage = storage_of(s.rootfs.volume);
    s.rootfs.size_gb = size_gb_of("rootfs", p);
  }
  for (const auto& [key, value] : config) {
    if (is_slot(key, "mp")) {
      pve::PropString p = parse(key, value, "volume");
      MountPoint m;
      m.volid = p.first.value_or("");
      m.path = p.get("mp").value_or("");
      if (auto b = p.get("backup")) m.backup = truthy(b);
      if (auto r = p.get("ro")) m.read_only = truthy(r);
      if (p.has("size")) m.size_gb = size_gb_of(key, p);
      s.mount_points[key] = m;
    } else if (is_slot(key, "net")) {
      pve::PropString p = parse(key, value, "name");
      std::string name = p.first ? *p.first : p.get("name").value_or("");
      if (name.empty()) throw std::invalid_argument("PVE config key '" + key + "': no interface name");
      NetDevice n;
      n.bridge = p.get("bridge").value_or("");
      if (auto t = p.get("tag")) n.vlan = to_int(key + ".tag", *t);
      n.ipv4 = p.get("ip");
      n.gateway4 = p.get("gw");
      n.ipv6 = p.get("ip6");
      n.gateway6 = p.get("gw6");
      if (auto f = p.get("firewall")) n.firewall = truthy(f);
      n.mac = p.get("hwaddr");
      s.network[name] = n;
      s.net_slots[name] = static_cast<int>(to_int(key, key.substr(3)));
    }
  }
  return s;
}

bool owned_volume(const std::string& volid, int vmid) {
  std::regex re("^[^:]+:(" + std::to_string(vmid) + "/)?(vm|subvol|base)-" + std::to_string(vmid) +
                "-disk-\\d+(\\.[a-z0-9]+)?$");
  return std::regex_match(volid, re);
}

std::string storage_of(const std::string& volid) {
  size_t colon = volid.find(':');
  return colon == std::string::npos ? std::string() : volid.substr(0, colon);
}

std::string features_value(const Features& f) {
  pve::PropString p;
  if (f.nesting) p.set("nesting", "1");
  if (f.keyctl) p.set("keyctl", "1");
  if (f.fuse) p.set("fuse", "1");
  return pve::format_prop_string(p);
}

std::string gib_size(double size_gb) {
  double mib = size_gb * 1024.0;
  if (std::floor(size_gb) == size_gb) return std::to_string(static_cast<int64_t>(size_gb)) + "G";
  return std::to_string(static_cast<int64_t>(std::ceil(mib))) + "M";
}

std::string rootfs_value(const RootFs& r) { return r.storage + ":" + number_text(r.size_gb); }

std::string mount_point_value(const MountPoint& m, const std::string& existing_volid) {
  pve::PropString p;
  if (!existing_volid.empty())
    p.first = existing_volid;
  else if (m.volume)
    p.first = *m.volume;
  else
    p.first = m.storage.value_or("") + ":" + number_text(m.size_gb.value_or(0));
  p.set("mp", m.path);
  if (m.backup) p.set("backup", flag(*m.backup));
  if (m.read_only) p.set("ro", flag(*m.read_only));
  return pve::format_prop_string(p);
}

std::string net_value(const std::string& name, const NetDevice& n) {
  pve::PropString p;
  p.set("name", name);
  p.set("bridge", n.bridge);
  if (n.mac) p.set("hwaddr", *n.mac);
  if (n.vlan) p.set("tag", std::to_string(*n.vlan));
  if (n.ipv4) p.set("ip", *n.ipv4);
  if (n.gateway4) p.set("gw", *n.gateway4);
  if (n.ipv6) p.set("ip6", *n.ipv6);
  if (n.gateway6) p.set("gw6", *n.gateway6);
  if (n.firewall) p.set("firewall", flag(*n.firewall));
  p.set("type", "veth");
  return pve::format_prop_string(p);
}

std::map<std::string, int> assign_net_slots(const std::map<std::string, NetDevice>& network,
                                            const std::map<std::string, std::string>& current) {
  std::map<std::string, int> slots;
  std::set<int> used;
  Spec live = spec_from_config(current);
  for (const auto& [name, slot] : live.net_slots) {
    used.insert(slot);  // slots of removed interfaces stay taken until the delete went through
    if (network.count(name)) slots[name] = slot;
  }
  int next = 0;
  for (const auto& [name, dev] : network) {
    if (slots.count(name)) continue;
    while (used.count(next)) ++next;
    slots[name] = next;
    used.insert(next);
  }
  return slots;
}

pve::Params create_params(const Spec& spec) {
  pve::Params p;
  if (spec.hostname) p.emplace_back("hostname", *spec.hostname);
  if (spec.description) p.emplace_back("description", *spec.description);
  if (spec.cores) p.emplace_back("cores", std::to_string(*spec.cores));
  p.emplace_back("memory", std::to_string(spec.memory));
  p.emplace_back("swap", std::to_string(spec.swap));
  p.emplace_back("unprivileged", flag(spec.unprivileged));
  if (spec.features)
    if (std::string f = features_value(*spec.features); !f.empty()) p.emplace_back("features", f);
  p.emplace_back("rootfs", rootfs_value(spec.rootfs));
  for (const auto& [slot, m] : spec.mount_points) p.emplace_back(slot, mount_point_value(m));
  for (const auto& [name, slot] : assign_net_slots(spec.network, {}))
    p.emplace_back("net" + std::to_string(slot), net_value(name, spec.network.at(name)));
  p.emplace_back("onboot", flag(spec.on_boot));
  if (spec.protection) p.emplace_back("protection", "1");
  if (!spec.tags.empty()) p.emplace_back("tags", join(lowered_sorted(spec.tags), ";"));
  return p;
}

UpdateSteps update_steps(const Spec& prior, const Spec& planned, const std::map<std::string, std::string>& current) {
  UpdateSteps u;
  std::vector<std::string> deletes;
  auto text = [&](const char* key, const std::optional<std::string>& a, const std::optional<std::string>& b) {
    if (a == b) return;
    if (b)
      u.set.emplace_back(key, *b);
    else
      deletes.push_back(key);
  };
  if (planned.hostname) text("hostname", prior.hostname, planned.hostname);
  text("description", prior.description, planned.description);
  if (prior.cores != planned.cores) {
    if (planned.cores)
      u.set.emplace_back("cores", std::to_string(*planned.cores));
    else
      deletes.push_back("cores");
  }
  if (prior.memory != planned.memory) u.set.emplace_back("memory", std::to_string(planned.memory));
  if (prior.swap != planned.swap) u.set.emplace_back("swap", std::to_string(planned.swap));
  std::string f_old = prior.features ? features_value(*prior.features) : "";
  std::string f_new = planned.features ? features_value(*planned.features) : "";
  if (f_old != f_new) {
    if (f_new.empty())
      deletes.push_back("features");
    else
      u.set.emplace_back("features", f_new);
  }
  if (prior.on_boot != planned.on_boot) u.set.emplace_back("onboot", flag(planned.on_boot));
  if (lowered_sorted(prior.tags) != lowered_sorted(planned.tags)) {
    if (planned.tags.empty())
      deletes.push_back("tags");
    else
      u.set.emplace_back("tags", join(lowered_sorted(planned.tags), ";"));
  }

  // Root filesystem: grows in place; anything else would lose the container's data.
  if (!prior.rootfs.storage.empty() && prior.rootfs.storage != planned.rootfs.storage)
    u.problems.push_back("rootfs.storage: moving the root filesystem from '" + prior.rootfs.storage + "' to '" +
                         planned.rootfs.storage + "' is not done in place; move the volume in Proxmox (pct move-volume) "
                         "and then update the configuration");
  if (planned.rootfs.size_gb < prior.rootfs.size_gb)
    u.problems.push_back("rootfs.size_gb: shrinking from " + number_text(prior.rootfs.size_gb) + " to " +
                         number_text(planned.rootfs.size_gb) + " GiB is not supported by Proxmox");
  else if (planned.rootfs.size_gb > prior.rootfs.size_gb)
    u.resizes.emplace_back("rootfs", gib_size(planned.rootfs.size_gb));

  for (const auto& [slot, m] : planned.mount_points) {
    auto was = prior.mount_points.find(slot);
    if (was == prior.mount_points.end()) {
      u.set.emplace_back(slot, mount_point_value(m));
      continue;
    }
    const MountPoint& old = was->second;
    if (m.storage && old.storage && *m.storage != *old.storage) {
      u.problems.push_back("mount_points." + slot + ".storage: moving the volume from '" + *old.storage + "' to '" +
                           *m.storage + "' is not done in place; move it in Proxmox (pct move-volume) first");
      continue;
    }
    if (m.storage && !old.storage) {
      u.problems.push_back("mount_points." + slot + ": switching from the mounted volume '" + old.volume.value_or("") +
                           "' to a new volume on '" + *m.storage + "' would hide its data; use a new slot instead");
      continue;
    }
    if (m.storage && m.size_gb && old.size_gb) {
      if (*m.size_gb < *old.size_gb) {
        u.problems.push_back("mount_points." + slot + ".size_gb: shrinking from " + number_text(*old.size_gb) +
                             " to " + number_text(*m.size_gb) + " GiB is not supported by Proxmox");
        continue;
      }
      if (*m.size_gb > *old.size_gb) u.resizes.emplace_back(slot, gib_size(*m.size_gb));
    }
    if (!same_options(m, old)) {
      std::string volid = m.volume.value_or("");
      if (volid.empty())
        if (auto cur = lookup(current, slot)) volid = parse(slot, *cur, "volume").first.value_or("");
      u.set.emplace_back(slot, mount_point_value(m, volid));
    }
  }
  for (const auto& [slot, m] : prior.mount_points)
    if (!planned.mount_points.count(slot)) deletes.push_back(slot);

  Spec live = spec_from_config(current);
  auto slots = assign_net_slots(planned.network, current);
  for (const auto& [name, dev] : planned.network) {
    NetDevice want = dev;
    auto was = prior.network.find(name);
    if (!want.mac && was != prior.network.end()) want.mac = was->second.mac;
    if (!want.mac && live.network.count(name)) want.mac = live.network.at(name).mac;
    std::string value = net_value(name, want);
    bool changed = was == prior.network.end() || net_value(name, was->second) != value;
    if (changed) u.set.emplace_back("net" + std::to_string(slots.at(name)), value);
  }
  for (const auto& [name, dev] : prior.network)
    if (!planned.network.count(name) && live.net_slots.count(name))
      deletes.push_back("net" + std::to_string(live.net_slots.at(name)));

  if (prior.protection != planned.protection) {
    if (!planned.protection && !deletes.empty())
      u.protection_off_first = true;
    else
      u.set.emplace_back("protection", flag(planned.protection));
  }
  if (!deletes.empty()) u.set.emplace_back("delete", join(deletes, ","));
  return u;
}

}  // namespace sarga::resources::lxc
