// plan_disk_layout: where each partition goes, its GPT identity and filesystem UUID, and
// the fstab options. Pure and deterministic: the same template and SOURCE_DATE_EPOCH give
// the same GUIDs, so rebuilt images keep their UUIDs (and fstab stays valid).
#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "lib/artifact/hash.h"

namespace sarga::outputs {

namespace {

using disk::kSectorsPerMiB;

constexpr std::uint64_t kFirstSector = kSectorsPerMiB;  // first partition at 1 MiB
constexpr std::uint64_t kMinRootMiB = 512;
constexpr std::uint64_t kMinEspMiB = 64;  // FAT32 needs 65525 clusters; room for a kernel + initrd
constexpr std::uint64_t kMinPartitionMiB = 16;
constexpr std::uint64_t kMaxDiskMiB = 16ull * 1024 * 1024;  // 16 TiB keeps byte counts far from overflow
constexpr std::size_t kMaxGptName = 36;                     // UTF-16 code units in a GPT entry

// Discoverable Partitions Specification type GUIDs (x86-64).
constexpr const char* kTypeEsp = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
constexpr const char* kTypeRootX86_64 = "4f68bce3-e8cd-4db1-96e7-fbcaf984b709";
constexpr const char* kTypeVar = "4d21b016-b534-45c2-a9fb-5c16e091fd2d";
constexpr const char* kTypeTmp = "7ec6f557-3bc5-4aca-b293-16ef5df639d1";
constexpr const char* kTypeHome = "933ac7e1-2eb4-4f13-b844-0e14e2aef915";
constexpr const char* kTypeLinuxGeneric = "0fc63daf-8483-4772-8e79-3d69d8477de4";

// /tmp gets the generic type: the spec has none for it, and its "Temporary Data" type means
// /var/tmp to systemd-gpt-auto-generator, which then also mounts the /tmp partition at /var/tmp
// (seen booting: var-tmp.mount "Temporary Data Partition", options not from fstab).
std::string type_guid_for(const std::string& mountpoint) {
  if (mountpoint == "/var") return kTypeVar;
  if (mountpoint == "/var/tmp") return kTypeTmp;
  if (mountpoint == "/home") return kTypeHome;
  return kTypeLinuxGeneric;
}

std::string where(const tmpl::PartitionSpec& p) { return p.location.line > 0 ? p.location.str() + ": " : ""; }

[[noreturn]] void partition_error(const tmpl::PartitionSpec& p, const std::string& attribute, const std::string& what) {
  throw std::invalid_argument(where(p) + "partition " + attribute + " \"" +
                              (attribute == "mountpoint" ? p.mountpoint : std::to_string(p.size_mib) + "M") +
                              "\": " + what);
}

// "/var//log/" -> "/var/log"; rejects what cannot be a separate partition.
std::string normalise_mountpoint(const tmpl::PartitionSpec& p) {
  const std::string& m = p.mountpoint;
  if (m.empty() || m[0] != '/') partition_error(p, "mountpoint", "must be an absolute path");
  for (unsigned char c : m)
    if (!(std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.'))
      partition_error(p, "mountpoint", "may only contain letters, digits, '/', '-', '_' and '.'");
  std::string out;
  std::size_t i = 0;
  while (i < m.size()) {
    while (i < m.size() && m[i] == '/') ++i;
    std::size_t j = m.find('/', i);
    if (j == std::string::npos) j = m.size();
    std::string part = m.substr(i, j - i);
    if (part == "." || part == "..") partition_error(p, "mountpoint", "must not contain '.' or '..'");
    if (!part.empty()) out += "/" + part;
    i = j;
  }
  if (out.empty()) partition_error(p, "mountpoint", "the root filesystem takes the rest of the disk; declare only other mountpoints");
  if (out == "/boot" || out == "/boot/efi" || out.rfind("/boot/", 0) == 0)
    partition_error(p, "mountpoint", "/boot and /boot/efi are managed by the image (the ESP holds the kernel)");
  static const char* const kNotSeparable[] = {"/etc", "/bin", "/sbin", "/lib", "/lib64", "/proc", "/sys", "/dev", "/run"};
  for (const char* bad : kNotSeparable) {
    std::string b = bad;
    if (out == b || out.rfind(b + "/", 0) == 0)
      partition_error(p, "mountpoint", b + " cannot be a separate disk partition (needed before mounts or not on disk)");
  }
  return out;
}

// "/var/log" -> "var-log": the GPT name and ext4 label.
std::string partition_name(const std::string& mountpoint) {
  std::string name = mountpoint.substr(1);
  std::replace(name.begin(), name.end(), '/', '-');
  return name;
}

std::string fat_volume_id(const std::string& build_full_name, std::int64_t sde) {
  std::string h = artifact::sha256_hex(build_full_name + "|" + std::to_string(sde) + "|fat-volume-id");
  std::string id = h.substr(0, 4) + "-" + h.substr(4, 4);
  for (auto& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

}  // namespace

namespace disk {

std::string derived_uuid(const std::string& build_full_name, std::int64_t sde, const std::string& name) {
  std::string h = artifact::sha256_hex(build_full_name + "|" + std::to_string(sde) + "|" + name).substr(0, 32);
  h[12] = '4';                                                        // version 4
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];        // RFC 4122 variant
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::vector<std::string> default_mount_options(const std::string& mountpoint) {
  if (mountpoint == "/tmp" || mountpoint == "/var/tmp" || mountpoint == "/dev/shm") return {"nodev", "nosuid", "noexec"};
  if (mountpoint == "/var" || mountpoint == "/home" || mountpoint == "/var/log") return {"nodev", "nosuid"};
  if (mountpoint == "/") return {"errors=remount-ro"};
  if (mountpoint == "/boot/efi") return {"umask=0077"};  // bootloader files readable by root only (CIS 1.4)
  return {"defaults"};
}

}  // namespace disk

DiskLayout plan_disk_layout(const tmpl::DiskImageSettings& s, const std::string& build_full_name, std::int64_t sde) {
  if (s.size_mib == 0 || s.size_mib > kMaxDiskMiB)
    throw std::invalid_argument("size: must be between 1M and 16T, got " + std::to_string(s.size_mib) + "M");
  if (s.esp_size_mib < kMinEspMiB)
    throw std::invalid_argument("esp_size: " + std::to_string(s.esp_size_mib) + "M is too small for the FAT32 ESP (at least " +
                                std::to_string(kMinEspMiB) + "M)");

  if (s.serial_console.find_first_of(" \t\n") != std::string::npos)
    throw std::invalid_argument("serial_console: \"" + s.serial_console + "\" must be one word like \"ttyS0,115200\"");
  for (const auto& o : s.kernel_options)
    if (o.empty() || o.find_first_of("\n\r") != std::string::npos)
      throw std::invalid_argument("kernel_options: \"" + o + "\" is not a kernel option (empty or with a line break)");

  DiskLayout layout;
  layout.size_bytes = s.size_mib * disk::kMiB;
  layout.disk_guid = disk::derived_uuid(build_full_name, sde, "gpt-disk");
  auto add = [&](const std::string& name, const std::string& mountpoint, std::uint64_t start, std::uint64_t sectors,
                 const std::string& type, const std::string& fs, std::vector<std::string> options) {
    PlannedPartition p;
    p.name = name;
    p.mountpoint = mountpoint;
    p.start_sector = start;
    p.size_sectors = sectors;
    p.type_guid = type;
    p.part_uuid = disk::derived_uuid(build_full_name, sde, "gpt-partition:" + name);
    p.fs_type = fs;
    p.fs_uuid = fs == "vfat" ? fat_volume_id(build_full_name, sde) : disk::derived_uuid(build_full_name, sde, "fs:" + name);
    p.options = std::move(options);
    layout.partitions.push_back(std::move(p));
    return start + sectors;
  };

  std::uint64_t next = add("esp", "/boot/efi", kFirstSector, s.esp_size_mib * kSectorsPerMiB, kTypeEsp, "vfat",
                           disk::default_mount_options("/boot/efi"));
  std::set<std::string> mountpoints, names = {"esp", "root"};
  std::uint64_t declared_mib = 0;
  for (const auto& spec : s.partitions) {
    std::string mountpoint = normalise_mountpoint(spec);
    if (!mountpoints.insert(mountpoint).second) partition_error(spec, "mountpoint", "is declared twice");
    std::string name = partition_name(mountpoint);
    if (name.size() > kMaxGptName)
      partition_error(spec, "mountpoint", "gives a partition name longer than " + std::to_string(kMaxGptName) + " characters");
    if (!names.insert(name).second)
      partition_error(spec, "mountpoint", "gives the partition name \"" + name + "\", which another partition already has");
    if (spec.size_mib < kMinPartitionMiB)
      partition_error(spec, "size", "must be at least " + std::to_string(kMinPartitionMiB) + "M");
    if (spec.size_mib > kMaxDiskMiB) partition_error(spec, "size", "is larger than any disk this builder makes");
    std::vector<std::string> options = disk::default_mount_options(mountpoint);
    if (spec.options) {
      if (spec.options->empty()) partition_error(spec, "mountpoint", "options must not be an empty list (omit it for the defaults)");
      for (const auto& o : *spec.options)
        if (o.empty() || o.find_first_of(" \t\n,#") != std::string::npos)
          partition_error(spec, "mountpoint", "option \"" + o + "\" is not a single mount option");
      options = *spec.options;
    }
    declared_mib += spec.size_mib;
    next = add(name, mountpoint, next, spec.size_mib * kSectorsPerMiB, type_guid_for(mountpoint), "ext4", options);
  }

  // The root takes the whole MiBs left before the backup GPT at the end of the disk.
  std::uint64_t total_sectors = s.size_mib * kSectorsPerMiB;
  std::uint64_t usable = total_sectors > next + disk::kGptBackupSectors ? total_sectors - next - disk::kGptBackupSectors : 0;
  std::uint64_t root_mib = usable / kSectorsPerMiB;
  if (root_mib < kMinRootMiB)
    throw std::invalid_argument("size: " + std::to_string(s.size_mib) + "M leaves " + std::to_string(root_mib) +
                                "M for the root filesystem, which needs at least " + std::to_string(kMinRootMiB) +
                                "M (esp_size " + std::to_string(s.esp_size_mib) + "M, partitions " +
                                std::to_string(declared_mib) + "M, 2M for alignment and the GPT)");
  add("root", "/", next, root_mib * kSectorsPerMiB, kTypeRootX86_64, "ext4", disk::default_mount_options("/"));
  return layout;
}

const PlannedPartition& DiskLayout::root() const {
  for (const auto& p : partitions)
    if (p.mountpoint == "/") return p;
  throw std::logic_error("disk layout without a root partition");
}

nlohmann::json DiskLayout::to_json() const {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : partitions)
    parts.push_back({{"name", p.name},
                     {"mountpoint", p.mountpoint},
                     {"start_sector", p.start_sector},
                     {"size_sectors", p.size_sectors},
                     {"size_mib", p.size_sectors / kSectorsPerMiB},
                     {"type_guid", p.type_guid},
                     {"part_uuid", p.part_uuid},
                     {"fs_type", p.fs_type},
                     {"fs_uuid", p.fs_uuid},
                     {"options", p.options}});
  return {{"size_bytes", size_bytes}, {"disk_guid", disk_guid}, {"partitions", parts}};
}

std::string disk_image_filename(const tmpl::DiskImageSettings& s, const std::string& build_name) {
  std::string base = s.name.empty() ? build_name : s.name;
  // Proxmox's import storage accepts [a-zA-Z0-9-.+=_] only.
  for (auto& c : base)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '+' || c == '=' || c == '_')) c = '-';
  if (base.empty()) base = "disk";
  return base + (s.format == tmpl::ImageFormat::qcow2 ? ".qcow2" : ".raw");
}

}  // namespace sarga::outputs
