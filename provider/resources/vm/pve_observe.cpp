// PVE config -> model: observe() and what a refresh stores (state_from_read()).
#include <cstring>
#include <regex>

#include "provider/resources/vm/pve_mapping.h"
#include "provider/resources/vm/pve_values.h"

namespace sarga::resources::vm {
namespace {

using namespace detail;

Disk observe_disk(const PropString& p) {
  Disk d;
  std::string volume = p.first.value_or(p.get("file").value_or(""));
  d.storage = volume_storage(volume);
  if (auto size = p.get("size"))
    if (auto bytes = pve::parse_size_bytes(*size)) d.size_gb = static_cast<double>(*bytes) / kGiB;
  if (auto f = p.get("format")) {
    d.format = *f;
  } else {
    for (const char* ext : {"qcow2", "vmdk", "raw"})
      if (volume.size() > std::strlen(ext) + 1 && volume.ends_with(std::string(".") + ext)) d.format = ext;
  }
  d.cache = p.get("cache").value_or("none");
  d.discard = p.get("discard") == "on";
  d.iothread = parse_bool(p.get("iothread").value_or("0"));
  d.ssd = parse_bool(p.get("ssd").value_or("0"));
  d.backup = parse_bool(p.get("backup").value_or("1"));
  return d;
}

HostPci observe_pci(const PropString& p) {
  HostPci h;
  h.mapping = p.get("mapping");
  if (!h.mapping) h.id = first_or(p, "host");
  if (auto v = p.get("pcie")) h.pcie = parse_bool(*v);
  if (auto v = p.get("x-vga")) h.x_vga = parse_bool(*v);
  if (auto v = p.get("rombar")) h.rombar = parse_bool(*v);
  return h;
}

void observe_cloud_init(const pve::GuestConfig& c, const std::string& hint, Vm& vm) {
  std::string slot = hint;
  if (slot.empty()) {
    // Import: the first slot holding a cloud-init drive, else an ISO cdrom on ide2.
    for (const auto& [k, v] : c.values) {
      if (!is_disk_slot(k)) continue;
      PropString p = props(v, "file");
      if (is_cloudinit_volume(p.first.value_or(""))) slot = k;
    }
    if (slot.empty() && c.values.count("ide2")) {
      PropString p = props(c.values.at("ide2"), "file");
      if (p.first && p.first->find(":iso/") != std::string::npos) slot = "ide2";
    }
  }
  bool has_keys = false;
  for (const auto& [k, v] : c.values)
    if (k.rfind("ci", 0) == 0 || k.rfind("ipconfig", 0) == 0 || k == "sshkeys" || k == "nameserver" ||
        k == "searchdomain")
      has_keys = true;
  if (slot.empty() && !has_keys) return;
  CloudInit ci;
  ci.interface = slot.empty() ? std::string("ide2") : slot;
  if (auto v = get(c, ci.interface.value())) {
    PropString p = props(*v, "file");
    std::string volume = p.first.value_or("");
    if (is_cloudinit_volume(volume))
      ci.storage = volume_storage(volume);
    else if (is_cdrom_value(p) && volume.find(':') != std::string::npos)
      ci.seed_volume = volume;
  }
  ci.user = get(c, "ciuser");
  if (auto keys = get(c, "sshkeys")) ci.ssh_keys = decode_ssh_keys(*keys);
  for (const auto& [k, v] : c.values) {
    if (k.rfind("ipconfig", 0) != 0) continue;
    PropString p = props(v, "");
    IpConfig ip{p.get("ip"), p.get("gw"), p.get("ip6"), p.get("gw6")};
    if (!ci.ipconfig) ci.ipconfig.emplace();
    (*ci.ipconfig)["net" + k.substr(8)] = ip;
  }
  if (auto ns = get(c, "nameserver")) ci.dns_servers = split_blank(*ns);
  ci.search_domain = get(c, "searchdomain");
  vm.cloud_init = ci;
}

// Keeps `prior`'s null-or-empty form when PVE has nothing, so `[]` and null never flip.
template <class T>
opt<T> empty_like(const opt<T>& observed, const opt<T>& prior) {
  if (observed && !observed->empty()) return observed;
  if (prior && prior->empty()) return prior;
  return std::nullopt;
}

template <class T, class Merge>
opt<std::map<std::string, T>> managed_slots(const opt<std::map<std::string, T>>& prior,
                                            const opt<std::map<std::string, T>>& observed, bool importing,
                                            Merge merge) {
  if (importing) return observed && !observed->empty() ? observed : std::nullopt;
  if (!prior) return std::nullopt;
  std::map<std::string, T> out;
  for (const auto& [slot, p] : *prior) {
    if (!observed) continue;
    auto it = observed->find(slot);
    if (it != observed->end()) out[slot] = merge(p, it->second);
  }
  return out;
}

}  // namespace

Vm observe(const pve::GuestConfig& c, bool running, const std::string& ci_interface) {
  Vm vm;
  vm.name = get(c, "name");
  vm.description = get(c, "description");
  if (auto t = get(c, "tags")) vm.tags = pve::normalise_tags(*t);
  Cpu cpu;
  cpu.cores = to_int(get(c, "cores")).value_or(1);
  cpu.sockets = to_int(get(c, "sockets")).value_or(1);
  if (auto v = get(c, "cpu")) cpu.type = first_or(props(*v, "cputype"), "cputype");
  vm.cpu = cpu;
  Memory mem;
  mem.dedicated = 2048;
  if (auto v = get(c, "memory")) mem.dedicated = to_int(first_or(props(*v, "current"), "current")).value_or(2048);
  mem.balloon = to_int(get(c, "balloon"));
  vm.memory = mem;
  std::map<std::string, Disk> disks;
  std::map<std::string, Nic> nics;
  std::map<std::string, HostPci> pcis;
  static const std::regex nic_key("^net[0-9]+$"), pci_key("^hostpci[0-9]+$");
  for (const auto& [k, v] : c.values) {
    if (is_disk_slot(k)) {
      PropString p = props(v, "file");
      if (is_cdrom_value(p) || is_cloudinit_volume(p.first.value_or(""))) continue;
      disks[k] = observe_disk(p);
    } else if (std::regex_match(k, nic_key)) {
      nics[k] = observe_nic(props(v, "model"));
    } else if (std::regex_match(k, pci_key)) {
      pcis[k] = observe_pci(props(v, "host"));
    }
  }
  vm.disks = disks;
  vm.network = nics;
  vm.hostpci = pcis;
  if (auto v = get(c, "efidisk0")) {
    PropString p = props(*v, "file");
    vm.efi_disk = EfiDisk{volume_storage(p.first.value_or("")), p.get("efitype").value_or("2m"),
                          parse_bool(p.get("pre-enrolled-keys").value_or("0"))};
  }
  observe_cloud_init(c, ci_interface, vm);
  Agent agent;
  agent.enabled = false;
  if (auto v = get(c, "agent")) agent.enabled = parse_bool(first_or(props(*v, "enabled"), "enabled").value_or("0"));
  vm.agent = agent;
  vm.started = running;
  vm.on_boot = parse_bool(get(c, "onboot").value_or("0"));
  if (auto v = get(c, "startup")) {
    PropString p = props(*v, "order");
    vm.startup = Startup{to_int(first_or(p, "order")), to_int(p.get("up")), to_int(p.get("down"))};
  }
  vm.protection = parse_bool(get(c, "protection").value_or("0"));
  vm.template_ = parse_bool(get(c, "template").value_or("0"));
  return vm;
}

Vm state_from_read(const Vm& prior, const Vm& o, bool importing) {
  Vm s = prior;
  s.name = o.name;
  s.description = o.description;
  if (o.tags && !o.tags->empty())
    s.tags = tags_in_prior_spelling(*o.tags, prior.tags.value_or(std::vector<std::string>{}));
  else
    s.tags = prior.tags && prior.tags->empty() ? prior.tags : std::nullopt;
  s.cpu = o.cpu;
  s.memory = o.memory;
  s.disks = managed_slots(prior.disks, o.disks, importing, [](const Disk& p, const Disk& d) {
    Disk out = d;
    if (!d.format) out.format = p.format;  // PVE omits the format of raw volumes on LVM
    out.import_from = p.import_from;
    return out;
  });
  if (importing && !s.disks) s.disks = std::map<std::string, Disk>{};
  s.efi_disk = o.efi_disk;
  s.network = managed_slots(prior.network, o.network, importing, [](const Nic&, const Nic& n) { return n; });
  if (importing && !s.network) s.network = std::map<std::string, Nic>{};
  s.hostpci = managed_slots(prior.hostpci, o.hostpci, importing, [](const HostPci&, const HostPci& h) { return h; });
  if (importing) {
    s.cloud_init = o.cloud_init;
  } else if (prior.cloud_init) {
    CloudInit ci = *prior.cloud_init;
    CloudInit seen = o.cloud_init.value_or(CloudInit{});
    ci.password.reset();
    ci.seed_volume = seen.seed_volume;
    if (!prior.cloud_init->seed_volume) {  // native: PVE's values are the truth
      ci.storage = seen.storage ? seen.storage : prior.cloud_init->storage;
      ci.user = seen.user;
      ci.ssh_keys = empty_like(seen.ssh_keys, prior.cloud_init->ssh_keys);
      ci.ipconfig = empty_like(seen.ipconfig, prior.cloud_init->ipconfig);
      ci.dns_servers = empty_like(seen.dns_servers, prior.cloud_init->dns_servers);
      ci.search_domain = seen.search_domain;
    }
    s.cloud_init = ci;
  }
  Agent agent = o.agent.value_or(Agent{false, {}});
  agent.wait_for_ip = prior.agent ? prior.agent->wait_for_ip : std::nullopt;
  s.agent = agent;
  bool is_template = o.template_.value_or(false);
  s.started = is_template && prior.started ? prior.started : o.started;
  s.on_boot = o.on_boot;
  s.startup = o.startup;
  s.protection = o.protection;
  s.template_ = o.template_;
  if (importing) s.reboot_after_update = true;
  return s;
}
}  // namespace sarga::resources::vm
