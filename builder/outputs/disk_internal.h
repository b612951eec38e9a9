// Pieces of the disk-image output, one job per disk_*.cpp file; shared by them and the tests.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "builder/outputs/disk_image.h"

namespace sarga::outputs::disk {

constexpr std::uint64_t kSectorBytes = 512;
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kSectorsPerMiB = kMiB / kSectorBytes;
constexpr std::uint64_t kGptBackupSectors = 33;  // backup header + 32 sectors of entries at the end

// --- disk_layout.cpp --------------------------------------------------------------------
// Version-4-shaped UUID (lower case) from SHA-256(full_name|sde|name).
std::string derived_uuid(const std::string& build_full_name, std::int64_t sde, const std::string& name);
// fstab options when the template gives none (see PartitionSpec in spec.h).
std::vector<std::string> default_mount_options(const std::string& mountpoint);

// --- disk_rootfs.cpp --------------------------------------------------------------------
std::string fstab_text(const DiskLayout& layout);
std::string kernel_cmdline(const DiskLayout& layout, const tmpl::DiskImageSettings& settings);

// --- disk_boot.cpp: what the ESP holds ---------------------------------------------------
struct KernelFiles {
  std::string version;  // "6.1.0-50-amd64"
  std::filesystem::path vmlinuz, initrd;
};
KernelFiles find_kernel(const std::filesystem::path& rootfs);
std::filesystem::path find_systemd_boot(const std::filesystem::path& rootfs);
std::string loader_entry_text(const std::string& title, const std::string& entry_token, const std::string& kernel_version,
                              const std::string& options);
// Fills `dir` with the ESP tree (EFI/BOOT/BOOTX64.EFI, EFI/systemd, loader/, <token>/<kver>/),
// every timestamp set to sde. `extra` (the rootfs' /boot/efi, may be absent) is copied first.
void stage_esp_tree(const std::filesystem::path& dir, const std::filesystem::path& rootfs,
                    const std::filesystem::path& extra, const KernelFiles& kernel, std::int64_t sde);

// --- disk_gpt.cpp -------------------------------------------------------------------------
std::string sfdisk_script(const DiskLayout& layout);
void write_gpt(const std::filesystem::path& image, const DiskLayout& layout);

// --- disk_esp.cpp -------------------------------------------------------------------------
void write_esp(const std::filesystem::path& image, const PlannedPartition& esp, const std::filesystem::path& tree,
               std::int64_t sde);

// --- disk_ext4.cpp ------------------------------------------------------------------------
// mke2fs -d `tree` into the partition; then every inode's times are clamped to sde and the
// filesystem's root directory gets `root_meta`'s mode and owner (mke2fs 1.47.0 does neither).
void write_ext4(const std::filesystem::path& image, const PlannedPartition& part, const std::filesystem::path& tree,
                const struct stat& root_meta, std::int64_t sde, const std::filesystem::path& work_dir);
void clamp_ext4(const std::filesystem::path& image, std::uint64_t offset_bytes, std::int64_t sde,
                const struct stat& root_meta);

// --- disk_staging.cpp ---------------------------------------------------------------------
// Moves each mountpoint's subtree out of the rootfs (deepest first) and leaves an empty
// directory with the same mode, owner and times in its place; the destructor puts
// everything back (also during unwinding) and restores the parents' times.
class MountpointStaging {
 public:
  MountpointStaging(const std::filesystem::path& rootfs, const std::vector<std::string>& mountpoints,
                    const std::filesystem::path& stage_dir);
  ~MountpointStaging();
  MountpointStaging(const MountpointStaging&) = delete;
  MountpointStaging& operator=(const MountpointStaging&) = delete;

  // Where the subtree of `mountpoint` is while staged, and its original metadata.
  const std::filesystem::path& tree(const std::string& mountpoint) const;
  const struct stat& meta(const std::string& mountpoint) const;
  void restore();  // idempotent; throws on failure (the destructor swallows)

 private:
  struct Moved {
    std::string mountpoint;
    std::filesystem::path original, staged;
    struct stat meta {};
    struct stat parent_meta {};
  };
  std::filesystem::path rootfs_;
  std::vector<Moved> moved_;  // in the order they were moved
  std::vector<std::filesystem::path> stage_dirs_;
};

// --- disk_qcow2.cpp -----------------------------------------------------------------------
void convert_to_qcow2(const std::filesystem::path& raw, const std::filesystem::path& qcow2);
std::uint64_t image_virtual_size(const std::filesystem::path& image, const std::string& format);

}  // namespace sarga::outputs::disk
