// What goes on the ESP: the rootfs' one kernel and initrd, systemd-boot (as the removable-media
// fallback loader, so OVMF boots it without an NVRAM entry), and a Boot Loader Spec entry laid
// out the way Debian's kernel-install (layout=bls) writes them, so kernel updates keep working.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "builder/outputs/outputs.h"
#include "builder/steps/rootfs.h"

namespace fs = std::filesystem;

namespace sarga::outputs::disk {

namespace {

constexpr const char* kSystemdBoot = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi";

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f.flush()) throw std::runtime_error("cannot write " + p.string());
}

void copy_in(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

// One line, single spaces: the entry's "options" and the file hardening may have appended to.
std::string one_line(const std::string& text) {
  std::string out;
  for (const auto& w : steps::split_ws(text)) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

KernelFiles find_kernel(const fs::path& rootfs) {
  steps::Rootfs r(rootfs);
  std::vector<std::string> versions;
  for (const auto& name : r.list("/boot")) {
    if (name.rfind("vmlinuz-", 0) != 0) continue;
    auto st = r.lstat("/boot/" + name);
    if (st && S_ISREG(st->st_mode)) versions.push_back(name.substr(8));
  }
  if (versions.empty())
    throw std::runtime_error(
        "the rootfs has no kernel (/boot/vmlinuz-<version>); a disk image needs one: add linux-image-amd64 to the "
        "source's include");
  if (versions.size() > 1) {
    std::string list;
    for (const auto& v : versions) list += (list.empty() ? "" : ", ") + v;
    throw std::runtime_error("the rootfs has " + std::to_string(versions.size()) + " kernels in /boot (" + list +
                             "); the disk image boots exactly one: purge the others in a provisioner");
  }
  KernelFiles k;
  k.version = versions.front();
  k.vmlinuz = r.host("/boot/vmlinuz-" + k.version);
  k.initrd = r.host("/boot/initrd.img-" + k.version);
  if (!fs::is_regular_file(k.initrd))
    throw std::runtime_error("the rootfs has no /boot/initrd.img-" + k.version +
                             ": add initramfs-tools (and e2fsprogs, for fsck in the initrd) to the source's include");
  return k;
}

fs::path find_systemd_boot(const fs::path& rootfs) {
  fs::path p = steps::Rootfs(rootfs).host(kSystemdBoot);
  if (!fs::is_regular_file(p))
    throw std::runtime_error(std::string("the rootfs has no ") + kSystemdBoot +
                             ": add systemd-boot to the source's include (the image boots with systemd-boot)");
  return p;
}

std::string loader_entry_text(const std::string& title, const std::string& entry_token,
                              const std::string& kernel_version, const std::string& options) {
  std::string dir = "/" + entry_token + "/" + kernel_version + "/";
  return "title " + title + "\n" + "version " + kernel_version + "\n" + "linux " + dir + "linux\n" + "initrd " + dir +
         "initrd.img-" + kernel_version + "\n" + "options " + options + "\n";
}

void stage_esp_tree(const fs::path& dir, const fs::path& rootfs, const fs::path& extra, const KernelFiles& kernel,
                    std::int64_t sde) {
  steps::Rootfs r(rootfs);
  auto cmdline = r.read("/etc/kernel/cmdline");
  if (!cmdline || one_line(*cmdline).empty())
    throw std::runtime_error("the rootfs has no /etc/kernel/cmdline (prepare_rootfs_for_disk writes it before the provisioners)");
  OsRelease os = read_os_release(rootfs);
  std::string token = os.id;
  if (auto t = r.read("/etc/kernel/entry-token"); t && !one_line(*t).empty()) token = one_line(*t);
  std::string title = os.pretty_name.empty() ? os.id : os.pretty_name;

  fs::remove_all(dir);
  fs::create_directories(dir);
  // Whatever packages put into /boot/efi first; FAT has no symlinks, so those are left out.
  if (!extra.empty() && fs::is_directory(extra))
    fs::copy(extra, dir, fs::copy_options::recursive | fs::copy_options::skip_symlinks);

  fs::path boot = find_systemd_boot(rootfs);
  copy_in(boot, dir / "EFI/BOOT/BOOTX64.EFI");
  copy_in(boot, dir / "EFI/systemd/systemd-bootx64.efi");
  write_text(dir / "loader/loader.conf", "timeout 0\ndefault " + token + "-*\neditor no\n");
  write_text(dir / "loader/entries" / (token + "-" + kernel.version + ".conf"),
             loader_entry_text(title, token, kernel.version, one_line(*cmdline)));
  copy_in(kernel.vmlinuz, dir / token / kernel.version / "linux");
  copy_in(kernel.initrd, dir / token / kernel.version / ("initrd.img-" + kernel.version));

  // mcopy -m keeps these times: pin them for reproducible FAT directory entries.
  struct timespec times[2] = {{sde, 0}, {sde, 0}};
  std::vector<fs::path> all = {dir};
  for (const auto& e : fs::recursive_directory_iterator(dir)) all.push_back(e.path());
  for (const auto& p : all)
    if (::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
      throw std::runtime_error("cannot set the time of " + p.string());
}

}  // namespace sarga::outputs::disk
