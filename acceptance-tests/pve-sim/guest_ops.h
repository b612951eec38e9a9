// What QEMU VMs and LXC containers share: guest locks, the lock property check, power
// tasks (start/stop/shutdown/reboot), destroy, config updates with pending changes and
// digest checks, MAC addresses and list splitting.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

const char* type_word(GuestKind kind);  // "VM" or "CT"
std::string lock_file(GuestKind kind, int vmid);

// Takes the guest's config lock exclusively (waits up to the configured timeout).
std::shared_ptr<HeldLock> lock_guest(SimCore& core, GuestKind kind, int vmid);
// 500 "VM is locked (<lock>)" when the config has a lock property.
void check_not_locked(const Guest& g);

// PVE's split_list: ',', ';', whitespace and NUL separate items.
std::vector<std::string> split_list(const std::string& s);

// A stable locally administered MAC in Proxmox's BC:24:11 prefix.
std::string make_mac(uint64_t seed, int vmid, int index);

bool is_qemu_disk_key(const std::string& key);  // ide/sata/scsi/virtio N, efidisk0, tpmstate0
bool is_lxc_disk_key(const std::string& key);   // rootfs, mpN
// The volume in a disk value ("local-lvm:vm-100-disk-0,size=8G" -> "local-lvm:vm-100-disk-0"),
// "" for none/cdrom.
std::string disk_volume(const std::string& value);
bool is_cdrom(const std::string& value);
// Next free unusedN key.
std::string next_unused_key(const GuestConfig& c);

// The typed config view GET .../config answers (plus digest).
nlohmann::json config_json(const SimCore& core, const Guest& g, bool current_only);
nlohmann::json pending_json(const SimCore& core, const Guest& g);

enum class PowerOp { start, stop, shutdown, reboot };
// Starts the power task and returns its UPID (locks taken and checked here).
std::string power_task(SimCore& core, const Call& call, GuestKind kind, PowerOp op);
// DELETE /nodes/{node}/{qemu|lxc}/{vmid}.
std::string destroy_task(SimCore& core, const Call& call, GuestKind kind);
// Renames the guest's disks to base-N-disk-M and sets template=1 (mutex held).
void convert_to_template(SimCore& core, Guest& g);

// Keys of an update request that are not config keys.
bool is_update_control_key(const std::string& key);

// Returns volumes a new/changed disk value needs: "local-lvm:32" allocates, existing volumes
// are checked. `value` is rewritten to the stored form. Mutex held.
std::string materialize_disk(SimCore& core, Guest& g, const std::string& key, const std::string& value,
                             std::vector<std::string>& allocated);

// Applies a config update (PUT/POST config) to `g` with pending semantics; mutex held.
void apply_config_update(SimCore& core, Guest& g, const Call& call);

// PVE words the resize errors differently for VMs and containers; "{}" in missing_volume
// stands for the volume id.
struct ResizeMessages {
  std::string missing_volume;
  std::string shrink;
};
// Grows the volume behind the disk entry `value` (a property string whose first item is
// `volume_key`) to the call's `size` ("+2G" or absolute), rewrites the entry and starts the
// resize task holding `lock`. Shrinking is refused.
std::string resize_volume_task(SimCore& core, const Call& call, Guest& g, std::string& value,
                               const std::string& volume_key, const ResizeMessages& messages,
                               std::shared_ptr<HeldLock> lock);

}  // namespace sarga::pvesim
