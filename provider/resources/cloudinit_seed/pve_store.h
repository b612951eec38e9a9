// Proxmox mode of sarga_cloudinit_seed: the seed ISO lives in a storage (content `iso`) and
// is uploaded through the API, so no SSH and no snippets are needed. File names derive from
// the image's SHA-256: a changed seed is a new volume (a VM swaps its cdrom in place), an
// unchanged one keeps its name, and the name alone says which content a volume holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "lib/pve/client.h"

namespace sarga::resources::cloudinit_seed {

// "sarga-seed-<host>-<16 hex of sha256>.iso" (host reduced to [A-Za-z0-9._-], "seed" when unset).
std::string seed_file_name(const std::optional<std::string>& hostname, const std::string& sha256_hex);
// "<storage>:iso/<file name>".
std::string seed_volume_id(const std::string& storage, const std::string& file_name);
// The storage and file name of a volume id; nullopt unless it is "<storage>:iso/<name>.iso".
std::optional<std::pair<std::string, std::string>> split_iso_volume_id(const std::string& volume_id);

struct StoredVolume {
  std::string volid;
  std::uint64_t size = 0;
};

// The volume in the storage's iso content list, nullopt when absent. Throws pve::Error.
std::optional<StoredVolume> find_iso(const pve::Client& client, const std::string& node, const std::string& storage,
                                     const std::string& volid);

// Uploads `iso` (written to a private temporary file and streamed from there) with a
// sha256 checksum PVE verifies, and waits for the copy task. Returns the task result
// (warnings included). Throws pve::Error or std::runtime_error (temporary file).
pve::TaskResult upload_iso(const pve::Client& client, const std::string& node, const std::string& storage,
                           const std::string& file_name, const std::string& iso, const std::string& sha256_hex,
                           std::chrono::milliseconds timeout);

// Deletes the volume and waits when PVE runs a task. Throws pve::Error (not_found when gone).
void delete_iso(const pve::Client& client, const std::string& node, const std::string& storage,
                const std::string& volid, std::chrono::milliseconds timeout);

}  // namespace sarga::resources::cloudinit_seed
