// prepare_rootfs_for_disk: the files that tie the rootfs to its disk, written before the
// provisioners so hardening can check and extend them: /etc/fstab (by UUID), the kernel
// command line and kernel-install's settings (so kernel updates land on the ESP).
#include <algorithm>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "builder/outputs/outputs.h"
#include "builder/steps/rootfs.h"

namespace fs = std::filesystem;

namespace sarga::outputs {

namespace disk {

namespace {
std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}
std::size_t depth(const std::string& mountpoint) { return std::count(mountpoint.begin(), mountpoint.end(), '/'); }
}  // namespace

std::string fstab_text(const DiskLayout& layout) {
  // Parents before children (mount -a mounts in file order); the ESP after the root.
  std::vector<const PlannedPartition*> order;
  for (const auto& p : layout.partitions) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(), [](const PlannedPartition* a, const PlannedPartition* b) {
    std::size_t da = a->mountpoint == "/" ? 0 : depth(a->mountpoint);
    std::size_t db = b->mountpoint == "/" ? 0 : depth(b->mountpoint);
    return da < db;
  });
  std::string out =
      "# /etc/fstab: written by sarga-build from the disk-image layout; filesystems by UUID.\n"
      "# <file system>  <mount point>  <type>  <options>  <dump>  <pass>\n";
  for (const auto* p : order)
    out += "UUID=" + p->fs_uuid + "  " + p->mountpoint + "  " + p->fs_type + "  " + join(p->options, ",") + "  0  " +
           (p->mountpoint == "/" ? "1" : "2") + "\n";
  return out;
}

std::string kernel_cmdline(const DiskLayout& layout, const tmpl::DiskImageSettings& s) {
  std::vector<std::string> words = {"root=UUID=" + layout.root().fs_uuid, "ro", "console=tty0"};
  // The last console= is /dev/console, so the serial line (qemu-verify, PVE's serial0) gets it.
  if (!s.serial_console.empty()) words.push_back("console=" + s.serial_console);
  words.insert(words.end(), s.kernel_options.begin(), s.kernel_options.end());
  return join(words, " ");
}

}  // namespace disk

void prepare_rootfs_for_disk(const fs::path& rootfs, const DiskLayout& layout, const tmpl::DiskImageSettings& s) {
  steps::Rootfs r(rootfs);
  OsRelease os = read_os_release(rootfs);
  r.write("/etc/fstab", disk::fstab_text(layout));
  r.write("/etc/kernel/cmdline", disk::kernel_cmdline(layout, s) + "\n");
  r.write("/etc/kernel/entry-token", os.id + "\n");
  r.write("/etc/kernel/install.conf",
          "# Written by sarga-build: boot loader spec entries on the ESP (/boot/efi), for systemd-boot.\nlayout=bls\n");

  for (const auto& p : layout.partitions) {
    if (p.mountpoint == "/") continue;
    fs::path host = r.host(p.mountpoint, false);
    auto st = r.lstat(p.mountpoint);
    if (st && !S_ISDIR(st->st_mode))
      throw std::runtime_error("partition mountpoint " + p.mountpoint + " exists in the rootfs but is not a directory");
    if (!st) {
      fs::create_directories(host);
      bool sticky = p.mountpoint == "/tmp" || p.mountpoint == "/var/tmp";
      r.chmod(p.mountpoint, sticky ? 01777 : 0755);
    }
    // The ESP holds the boot loader and kernels: root only, like its umask=0077.
    if (p.mountpoint == "/boot/efi") r.chmod(p.mountpoint, 0700);
  }
}

}  // namespace sarga::outputs
