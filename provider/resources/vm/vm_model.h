// Typed view of a `sarga_vm` object (config, plan or state): null and unknown values are
// nullopt, so "unset" and "to be computed" both mean "take what Proxmox has". to_value()
// is the inverse and builds an object of the schema's type.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "provider/cty/type.h"
#include "provider/cty/value.h"

namespace sarga::resources::vm {

template <class T>
using opt = std::optional<T>;

struct Disk {
  opt<std::string> storage;
  opt<double> size_gb;
  opt<std::string> format, cache;
  opt<bool> discard, iothread, ssd, backup;
  opt<std::string> import_from;
  bool operator==(const Disk&) const = default;
};

struct Nic {
  opt<std::string> bridge;
  opt<int64_t> vlan;
  opt<std::string> model, mac;
  opt<bool> firewall;
  opt<int64_t> mtu;
  bool operator==(const Nic&) const = default;
};

struct IpConfig {
  opt<std::string> ipv4, gateway4, ipv6, gateway6;
  bool operator==(const IpConfig&) const = default;
};

struct CloudInit {
  opt<std::string> storage, interface, user, password;
  opt<std::vector<std::string>> ssh_keys;
  opt<std::map<std::string, IpConfig>> ipconfig;
  opt<std::vector<std::string>> dns_servers;
  opt<std::string> search_domain, seed_volume;
  bool native() const { return !seed_volume; }
  bool operator==(const CloudInit&) const = default;
};

struct HostPci {
  opt<std::string> mapping, id;
  opt<bool> pcie, x_vga, rombar;
  bool operator==(const HostPci&) const = default;
};

struct EfiDisk {
  opt<std::string> storage, type;
  opt<bool> pre_enrolled_keys;
  bool operator==(const EfiDisk&) const = default;
};

struct Startup {
  opt<int64_t> order, up, down;
  bool operator==(const Startup&) const = default;
};

struct WaitForIp {
  opt<std::string> timeout, family;
  bool operator==(const WaitForIp&) const = default;
};

struct Agent {
  opt<bool> enabled;
  opt<WaitForIp> wait_for_ip;
  bool operator==(const Agent&) const = default;
};

struct Clone {
  opt<int64_t> source_vmid;
  opt<std::string> source_name, source_node;
  opt<bool> full;
  opt<std::string> target_storage;
  bool operator==(const Clone&) const = default;
};

struct VmidRange {
  opt<int64_t> from, to;
  opt<bool> random;
  bool operator==(const VmidRange&) const = default;
};

struct Cpu {
  opt<int64_t> cores, sockets;
  opt<std::string> type;
  bool operator==(const Cpu&) const = default;
};

struct Memory {
  opt<int64_t> dedicated, balloon;
  bool operator==(const Memory&) const = default;
};

struct Timeouts {
  opt<std::string> create, update, del;
  bool operator==(const Timeouts&) const = default;
};

struct Vm {
  opt<std::string> id, node;
  opt<int64_t> vmid;
  opt<VmidRange> vmid_range;
  opt<std::string> name, description;
  opt<std::vector<std::string>> tags;
  opt<std::string> pool;
  opt<Clone> clone;
  opt<Cpu> cpu;
  opt<Memory> memory;
  opt<std::map<std::string, Disk>> disks;
  opt<EfiDisk> efi_disk;
  opt<std::map<std::string, Nic>> network;
  opt<CloudInit> cloud_init;
  opt<Agent> agent;
  opt<std::map<std::string, HostPci>> hostpci;
  opt<bool> started, on_boot;
  opt<Startup> startup;
  opt<bool> protection, template_, reboot_after_update;
  opt<Timeouts> timeouts;
  opt<std::vector<std::string>> ipv4_addresses, ipv6_addresses;
  bool operator==(const Vm&) const = default;
};

Vm from_value(const cty::Value& object);
// `type` is the schema's implied object type.
cty::Value to_value(const Vm& vm, const cty::Type& type);

// Replaces every unknown inside `planned` with the value at the same place in `actual`
// (null when there is none): the state after apply keeps what was planned and fills in
// what was computed.
cty::Value fill_unknowns(const cty::Value& planned, const cty::Value& actual);

}  // namespace sarga::resources::vm
