// Output "disk-image": a bootable GPT disk (ESP with systemd-boot, ext4 root and the
// declared partitions) assembled offline from the rootfs: sfdisk for the table, mtools
// for the FAT ESP, `mke2fs -d` for ext4, qemu-img for qcow2. No mounts, no loop devices.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/template/spec.h"

namespace sarga::outputs {

struct PlannedPartition {
  std::string name;          // GPT partition name: "esp", "var", "tmp", "root" (mountpoint-derived)
  std::string mountpoint;    // "/boot/efi", "/var", "/tmp", "/"
  std::uint64_t start_sector = 0, size_sectors = 0;  // 512-byte sectors, 1 MiB aligned
  std::string type_guid, part_uuid;  // GPT (type: ESP, Linux /var, /tmp, root x86-64 per the Discoverable Partitions Spec)
  std::string fs_type;       // "vfat" | "ext4"
  std::string fs_uuid;       // ext4 UUID; for the ESP the FAT volume id "ABCD-1234"
  std::vector<std::string> options;  // fstab options
};

struct DiskLayout {
  std::uint64_t size_bytes = 0;
  std::string disk_guid;
  std::vector<PlannedPartition> partitions;  // ESP first, root last
  const PlannedPartition& root() const;
  nlohmann::json to_json() const;
};

// Pure; validates; GUIDs/UUIDs derived from build full_name + sde + partition name (stable across
// rebuilds). Throws std::invalid_argument with a message naming the attribute.
DiskLayout plan_disk_layout(const tmpl::DiskImageSettings&, const std::string& build_full_name, std::int64_t sde);

// Before provisioners: /etc/fstab by UUID, /etc/kernel/cmdline (one line: root=UUID=... ro
// console=tty0 console=<serial> + kernel_options), /etc/kernel/entry-token, /etc/kernel/install.conf
// (layout=bls), mountpoint directories.
void prepare_rootfs_for_disk(const std::filesystem::path& rootfs, const DiskLayout&, const tmpl::DiskImageSettings&);

struct DiskImageResult {
  std::filesystem::path path;
  std::string sha256;
  std::uint64_t size = 0;  // file on disk
  std::uint64_t virtual_size = 0;
  std::string format;  // "qcow2" | "raw"
  std::string kernel_version;
};

// Image file name: "<name or build name>.<qcow2|raw>".
std::string disk_image_filename(const tmpl::DiskImageSettings&, const std::string& build_name);

// Writes the image at exactly `dest`. Kernel + initrd from the rootfs' /boot, systemd-boot from
// /usr/lib/systemd/boot/efi, loader entry options = /etc/kernel/cmdline. Never changes the rootfs
// as seen after it returns (even on error). Reproducible: same rootfs + settings + sde => same bytes.
DiskImageResult write_disk_image(const std::filesystem::path& rootfs, const DiskLayout&, const tmpl::DiskImageSettings&,
                                 const std::filesystem::path& dest, const std::filesystem::path& work_dir,
                                 std::int64_t sde, const std::function<void(const std::string&)>& log);

}  // namespace sarga::outputs
