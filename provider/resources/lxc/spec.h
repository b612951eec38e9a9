// A container as sarga_lxc describes it, and its translation to and from PVE's LXC config
// keys (rootfs, mpN, netN, features, ...). Pure functions: no I/O, unit-tested on their own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/pve/client.h"

namespace sarga::resources::lxc {

struct Features {
  bool nesting = false;
  bool keyctl = false;
  bool fuse = false;
};

struct RootFs {
  std::string storage;
  double size_gb = 0;
  std::string volume;  // the volume id PVE allocated (read back only)
};

// `storage` (a new volume of size_gb allocated there) or `volume` (an existing volume id).
struct MountPoint {
  std::optional<std::string> storage;
  std::optional<std::string> volume;
  std::optional<double> size_gb;
  std::string path;
  std::optional<bool> backup;
  std::optional<bool> read_only;
  std::string volid;  // the volume id in the PVE config (read back only)
};

struct NetDevice {
  std::string bridge;
  std::optional<int64_t> vlan;
  std::optional<std::string> ipv4, gateway4, ipv6, gateway6;
  std::optional<bool> firewall;
  std::optional<std::string> mac;
};

struct Spec {
  std::optional<std::string> hostname;
  std::optional<std::string> description;
  std::optional<int64_t> cores;
  int64_t memory = 512;  // MiB
  int64_t swap = 512;    // MiB
  bool unprivileged = true;
  std::optional<Features> features;
  RootFs rootfs;
  std::map<std::string, MountPoint> mount_points;  // "mp0" -> ...
  std::map<std::string, NetDevice> network;        // "eth0" -> ...
  std::map<std::string, int> net_slots;            // "eth0" -> N of netN (read back only)
  bool on_boot = false;
  bool protection = false;
  std::vector<std::string> tags;  // as PVE stores them
};

// Parses a container config (GET .../config, values as strings). Throws
// std::invalid_argument naming the key for values it cannot understand.
Spec spec_from_config(const std::map<std::string, std::string>& config);

// True when `volid` is a volume PVE allocated for this container ("local-lvm:vm-104-disk-1",
// "local:104/vm-104-disk-0.raw"), as opposed to an existing volume mounted into it.
bool owned_volume(const std::string& volid, int vmid);
// "local-lvm:vm-104-disk-1" -> "local-lvm".
std::string storage_of(const std::string& volid);

// Property-string values for one key.
std::string features_value(const Features& f);  // "" when nothing is enabled
std::string rootfs_value(const RootFs& r);       // a new volume: "local-lvm:8"
// A new volume ("local-lvm:8,mp=/data,..") or, with `existing_volid`, the mounted volume
// with the changed options ("local-lvm:vm-104-disk-1,mp=/data,..").
std::string mount_point_value(const MountPoint& m, const std::string& existing_volid = {});
std::string net_value(const std::string& name, const NetDevice& n);
std::string gib_size(double size_gb);  // 8 -> "8G", 0.5 -> "512M"

// Parameters for POST /nodes/{node}/lxc (without vmid, ostemplate and secrets).
pve::Params create_params(const Spec& spec);

// What an update has to do, from the prior state to the planned one. `current` is the
// live config (for existing volume ids and free netN slots).
struct UpdateSteps {
  pve::Params set;                  // PUT .../config (includes "delete" when needed)
  bool protection_off_first = false;  // turn protection off before removing anything
  std::vector<std::pair<std::string, std::string>> resizes;  // disk -> "12G"
  std::vector<std::string> problems;  // changes PVE cannot make in place
};
UpdateSteps update_steps(const Spec& prior, const Spec& planned, const std::map<std::string, std::string>& current);

// Slots ("net0") for the interfaces of `spec`: existing ones keep their slot, new ones take
// the lowest free number.
std::map<std::string, int> assign_net_slots(const std::map<std::string, NetDevice>& network,
                                            const std::map<std::string, std::string>& current);

}  // namespace sarga::resources::lxc
