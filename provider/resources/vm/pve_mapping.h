// Between the `sarga_vm` model and Proxmox's QEMU config keys, both ways, as pure
// functions (unit-tested without a server):
//   observe()         config + status -> what the VM looks like, every slot included;
//   state_from_read() which of that goes into the state (managed slots, prior spellings);
//   config_changes()  desired model vs current config -> the keys to set / delete, disks to
//                     grow, and problems (shrinks, storage moves) naming the attribute.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/pve/client.h"
#include "lib/pve/guests.h"
#include "provider/cty/path.h"
#include "provider/resources/vm/vm_model.h"

namespace sarga::resources::vm {

struct Problem {
  cty::Path path;
  std::string summary;
  std::string detail;
};

// Everything PVE shows. `ci_interface` is the slot of the cloud-init drive / seed cdrom to
// look at; empty: search ide/sata/scsi slots for one (import).
Vm observe(const pve::GuestConfig& config, bool running, const std::string& ci_interface);

// The state after a refresh: PVE's values for what the state manages. Maps (disks,
// network, hostpci) keep the slots of `prior` unless `importing`, which takes every slot;
// attributes PVE does not store (clone, timeouts, pool, wait_for_ip, ...) come from `prior`.
Vm state_from_read(const Vm& prior, const Vm& observed, bool importing);

struct Resize {
  std::string slot;
  std::uint64_t bytes = 0;
};

struct ConfigChange {
  pve::Params set;                // key=value, in a stable order
  std::vector<std::string> del;   // keys to delete
  std::vector<Resize> resizes;    // disks to grow (after set/delete)
  bool seed_swapped = false;      // the seed cdrom moved to another volume
  bool empty() const { return set.empty() && del.empty() && resizes.empty(); }
  std::string delete_param() const;  // "net1,scsi2"
};

// What must change so that the VM matches `desired`. `prior` is the last state (empty on
// create): slots it had that `desired` dropped are removed. New disks use PVE's allocation
// syntax (`local-lvm:32`), so the same change works for a create call.
ConfigChange config_changes(const Vm& desired, const Vm& prior, const pve::GuestConfig& current,
                            std::vector<Problem>& problems);

// Helpers shared with the tests and the resource.
bool is_disk_slot(const std::string& key);  // scsiN, virtioN, sataN, ideN
bool parse_bool(const std::string& text);   // "1", "on", "yes", "true"
std::string encode_ssh_keys(const std::vector<std::string>& keys);  // PVE's URL-encoded form
std::vector<std::string> decode_ssh_keys(const std::string& text);
std::string format_gib(double gib);  // 32 -> "32", 0.5 -> "0.5"
// Tags as the state shows them: PVE's (lower-case) tags with the spelling from `prior`
// where they match case-insensitively.
std::vector<std::string> tags_in_prior_spelling(const std::vector<std::string>& observed,
                                                const std::vector<std::string>& prior);

}  // namespace sarga::resources::vm
