// Model -> PVE config: the keys to set and delete, disks to grow, problems to report.
#include <algorithm>
#include <set>

#include "provider/resources/vm/pve_mapping.h"
#include "provider/resources/vm/pve_values.h"

namespace sarga::resources::vm {

using namespace detail;

ConfigChange config_changes(const Vm& d, const Vm& prior, const pve::GuestConfig& c, std::vector<Problem>& problems) {
  ConfigChange ch;
  auto set = [&](const std::string& key, const std::string& value) { ch.set.emplace_back(key, value); };
  auto set_if = [&](const std::string& key, const std::string& value) {
    if (get(c, key) != value) set(key, value);
  };
  auto del_if_present = [&](const std::string& key) {
    if (c.values.count(key)) ch.del.push_back(key);
  };

  if (d.name) set_if("name", *d.name);
  if (d.description) set_if("description", *d.description);
  if (d.tags) {
    std::vector<std::string> want;
    for (const auto& t : *d.tags) want.push_back(lower(t));
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::vector<std::string> have = get(c, "tags") ? pve::normalise_tags(*get(c, "tags")) : std::vector<std::string>{};
    if (want != have) {
      if (want.empty())
        del_if_present("tags");
      else
        set("tags", join(want, ";"));
    }
  }
  if (d.cpu) {
    if (d.cpu->cores && to_int(get(c, "cores")).value_or(1) != *d.cpu->cores) set("cores", std::to_string(*d.cpu->cores));
    if (d.cpu->sockets && to_int(get(c, "sockets")).value_or(1) != *d.cpu->sockets)
      set("sockets", std::to_string(*d.cpu->sockets));
    if (d.cpu->type) {
      PropString p = props(get(c, "cpu").value_or(""), "cputype");
      if (first_or(p, "cputype") != d.cpu->type) {
        p.erase("cputype");
        p.first = *d.cpu->type;
        set("cpu", pve::format_prop_string(p));
      }
    }
  }
  if (d.memory) {
    if (d.memory->dedicated) {
      int64_t have = 2048;
      if (auto v = get(c, "memory")) have = to_int(first_or(props(*v, "current"), "current")).value_or(2048);
      if (have != *d.memory->dedicated) set("memory", std::to_string(*d.memory->dedicated));
    }
    if (d.memory->balloon && to_int(get(c, "balloon")) != d.memory->balloon)
      set("balloon", std::to_string(*d.memory->balloon));
  }

  // Disks, keyed by slot.
  if (d.disks) {
    for (const auto& [slot, disk] : *d.disks) {
      cty::Path at = cty::Path().attribute("disks").key(slot);
      auto current = get(c, slot);
      if (!current) {
        if (!disk.storage) {
          problems.push_back({at.attribute("storage"), "Missing disk storage",
                              "disks[\"" + slot + "\"] is a new disk: set storage (and size_gb)"});
          continue;
        }
        PropString p;
        if (disk.import_from) {
          p.first = *disk.storage + ":0";
          p.set("import-from", *disk.import_from);
        } else if (disk.size_gb && *disk.size_gb > 0) {
          p.first = *disk.storage + ":" + format_gib(*disk.size_gb);
        } else {
          problems.push_back({at.attribute("size_gb"), "Missing disk size",
                              "disks[\"" + slot + "\"] is a new disk: set size_gb (GiB) or import_from"});
          continue;
        }
        if (disk.format) p.set("format", *disk.format);
        if (disk.cache && *disk.cache != "none") p.set("cache", *disk.cache);
        if (disk.discard && *disk.discard) p.set("discard", "on");
        if (disk.iothread && *disk.iothread) p.set("iothread", "1");
        if (disk.ssd && *disk.ssd) p.set("ssd", "1");
        if (disk.backup && !*disk.backup) p.set("backup", "0");
        set(slot, pve::format_prop_string(p));
        continue;
      }
      PropString p = props(*current, "file");
      std::string volume = p.first.value_or("");
      if (is_cdrom_value(p) || is_cloudinit_volume(volume)) {
        problems.push_back({at, "Slot holds a cdrom", "disks[\"" + slot + "\"]: " + slot +
                                                          " is a cdrom or cloud-init drive on this VM; use another slot"});
        continue;
      }
      if (disk.storage && volume_storage(volume) != *disk.storage) {
        problems.push_back({at.attribute("storage"), "Cannot move a disk",
                            "disks[\"" + slot + "\"].storage: the disk is on '" + volume_storage(volume) +
                                "'; moving it to '" + *disk.storage + "' is not supported"});
      }
      PropString edited = p;
      if (disk.cache) {
        if (*disk.cache == "none") edited.erase("cache");
        else edited.set("cache", *disk.cache);
      }
      if (disk.discard) {
        if (*disk.discard) edited.set("discard", "on");
        else edited.erase("discard");
      }
      set_flag(edited, "iothread", disk.iothread, false);
      set_flag(edited, "ssd", disk.ssd, false);
      set_flag(edited, "backup", disk.backup, true);
      if (!same_props(pve::format_prop_string(edited), *current, "file")) set(slot, pve::format_prop_string(edited));
      if (disk.size_gb) {
        auto have = p.get("size") ? pve::parse_size_bytes(*p.get("size")) : std::nullopt;
        auto want = static_cast<std::uint64_t>(std::llround(*disk.size_gb * kGiB));
        if (have && want > *have) {
          ch.resizes.push_back({slot, want});
        } else if (have && want + (1ULL << 20) <= *have) {  // sub-MiB differences are rounding
          problems.push_back({at.attribute("size_gb"), "Disks cannot shrink",
                              "disks[\"" + slot + "\"].size_gb is " + format_gib(*disk.size_gb) +
                                  " but the disk already has " + format_gib(static_cast<double>(*have) / kGiB) +
                                  " GiB; Proxmox cannot shrink disks. Set size_gb to at least that."});
        }
      }
    }
    if (prior.disks)
      for (const auto& [slot, _] : *prior.disks)
        if (!d.disks->count(slot)) del_if_present(slot);
  }

  if (d.efi_disk) {
    auto current = get(c, "efidisk0");
    if (!current) {
      if (!d.efi_disk->storage) {
        problems.push_back({cty::Path().attribute("efi_disk").attribute("storage"), "Missing EFI disk storage",
                            "efi_disk.storage is needed to add the EFI disk"});
      } else {
        PropString p;
        p.first = *d.efi_disk->storage + ":1";
        p.set("efitype", d.efi_disk->type.value_or("4m"));
        p.set("pre-enrolled-keys", d.efi_disk->pre_enrolled_keys.value_or(false) ? "1" : "0");
        set("efidisk0", pve::format_prop_string(p));
        set_if("bios", "ovmf");
      }
    } else {
      PropString p = props(*current, "file");
      if (d.efi_disk->type && p.get("efitype").value_or("2m") != *d.efi_disk->type)
        problems.push_back({cty::Path().attribute("efi_disk").attribute("type"), "Cannot change the EFI disk type",
                            "efi_disk.type: the existing EFI disk is " + p.get("efitype").value_or("2m") +
                                "; Proxmox cannot convert it in place"});
    }
  }

  // NICs, keyed by slot.
  if (d.network) {
    for (const auto& [slot, nic] : *d.network) {
      auto current = get(c, slot);
      PropString p = current ? props(*current, "model") : PropString{};
      Nic have = observe_nic(p);
      std::string model = nic.model.value_or(have.model.value_or("virtio"));
      opt<std::string> mac = nic.mac ? nic.mac : have.mac;
      for (const char* m : {"model", "macaddr", "virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"}) p.erase(m);
      // "virtio=MAC" is PVE's key=value alias for model + macaddr (not a quoted positional).
      if (mac) {
        p.first.reset();
        p.items.insert(p.items.begin(), {model, *mac});
      } else {
        p.first = model;
      }
      if (nic.bridge) p.set("bridge", *nic.bridge);
      if (nic.vlan) p.set("tag", std::to_string(*nic.vlan));
      else p.erase("tag");
      set_flag(p, "firewall", nic.firewall.value_or(false), false);
      if (nic.mtu) p.set("mtu", std::to_string(*nic.mtu));
      else p.erase("mtu");
      std::string value = pve::format_prop_string(p);
      if (!current || !same_props(value, *current, "model")) set(slot, value);
    }
    if (prior.network)
      for (const auto& [slot, _] : *prior.network)
        if (!d.network->count(slot)) del_if_present(slot);
  }

  // Cloud-init: native drive + keys, or a seed ISO as cdrom.
  std::string old_interface = prior.cloud_init ? prior.cloud_init->interface.value_or("ide2") : "";
  if (d.cloud_init) {
    const CloudInit& ci = *d.cloud_init;
    std::string slot = ci.interface.value_or("ide2");
    cty::Path at = cty::Path().attribute("cloud_init");
    auto current = get(c, slot);
    PropString cur = current ? props(*current, "file") : PropString{};
    std::string volume = cur.first.value_or("");
    if (ci.seed_volume) {
      if (!(is_cdrom_value(cur) && volume == *ci.seed_volume)) {
        set(slot, *ci.seed_volume + ",media=cdrom");
        ch.seed_swapped = current && is_cdrom_value(cur) && volume.find(':') != std::string::npos;
      }
    } else {
      if (!is_cloudinit_volume(volume) || (ci.storage && volume_storage(volume) != *ci.storage)) {
        if (!ci.storage)
          problems.push_back({at.attribute("storage"), "Missing cloud-init storage",
                              "cloud_init.storage is needed: the VM has no cloud-init drive on " + slot});
        else
          set(slot, *ci.storage + ":cloudinit");
      }
      if (ci.user) set_if("ciuser", *ci.user);
      else del_if_present("ciuser");
      if (ci.password) set("cipassword", *ci.password);
      if (ci.ssh_keys && !ci.ssh_keys->empty()) {
        auto have = get(c, "sshkeys");
        if (!have || decode_ssh_keys(*have) != *ci.ssh_keys) set("sshkeys", encode_ssh_keys(*ci.ssh_keys));
      } else {
        del_if_present("sshkeys");
      }
      std::set<std::string> wanted;
      if (ci.ipconfig)
        for (const auto& [nic, ip] : *ci.ipconfig) {
          if (nic.rfind("net", 0) != 0 || nic.size() < 4) {
            problems.push_back({at.attribute("ipconfig").key(nic), "Invalid ipconfig key",
                                "cloud_init.ipconfig keys are NIC slots like net0"});
            continue;
          }
          std::string key = "ipconfig" + nic.substr(3);
          wanted.insert(key);
          std::string value = ipconfig_value(ip);
          auto have = get(c, key);
          if (!have || !same_props(value, *have, "")) set(key, value);
        }
      for (const auto& [k, _] : c.values)
        if (k.rfind("ipconfig", 0) == 0 && !wanted.count(k)) ch.del.push_back(k);
      if (ci.dns_servers && !ci.dns_servers->empty()) {
        auto have = get(c, "nameserver");
        if (!have || split_blank(*have) != *ci.dns_servers) set("nameserver", join(*ci.dns_servers, " "));
      } else {
        del_if_present("nameserver");
      }
      if (ci.search_domain) set_if("searchdomain", *ci.search_domain);
      else del_if_present("searchdomain");
    }
    if (!old_interface.empty() && old_interface != slot) del_if_present(old_interface);
  } else if (prior.cloud_init) {
    del_if_present(old_interface);  // cloud_init removed: detach its drive / cdrom
  }

  if (d.agent && d.agent->enabled) {
    PropString p = props(get(c, "agent").value_or(""), "enabled");
    bool have = parse_bool(first_or(p, "enabled").value_or("0"));
    if (have != *d.agent->enabled) {
      p.erase("enabled");
      p.first = *d.agent->enabled ? "1" : "0";
      set("agent", pve::format_prop_string(p));
    }
  }

  if (d.hostpci) {
    for (const auto& [slot, h] : *d.hostpci) {
      auto current = get(c, slot);
      std::string value = pci_value(h, current);
      if (!current || !same_props(value, *current, "host")) set(slot, value);
    }
    if (prior.hostpci)
      for (const auto& [slot, _] : *prior.hostpci)
        if (!d.hostpci->count(slot)) del_if_present(slot);
  } else if (prior.hostpci) {
    for (const auto& [slot, _] : *prior.hostpci) del_if_present(slot);
  }

  if (d.on_boot && parse_bool(get(c, "onboot").value_or("0")) != *d.on_boot) set("onboot", *d.on_boot ? "1" : "0");
  if (d.startup && (d.startup->order || d.startup->up || d.startup->down)) {
    PropString p;
    if (d.startup->order) p.set("order", std::to_string(*d.startup->order));
    if (d.startup->up) p.set("up", std::to_string(*d.startup->up));
    if (d.startup->down) p.set("down", std::to_string(*d.startup->down));
    std::string value = pve::format_prop_string(p);
    auto have = get(c, "startup");
    if (!have || !same_props(value, *have, "order")) set("startup", value);
  }
  if (d.protection && parse_bool(get(c, "protection").value_or("0")) != *d.protection)
    set("protection", *d.protection ? "1" : "0");
  std::sort(ch.del.begin(), ch.del.end());
  ch.del.erase(std::unique(ch.del.begin(), ch.del.end()), ch.del.end());
  return ch;
}

}  // namespace sarga::resources::vm
