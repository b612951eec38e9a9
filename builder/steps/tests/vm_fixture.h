// What the disk-image output leaves in a rootfs before provisioners run (/etc/fstab from
// its partition layout, /etc/kernel/cmdline), each deliberately weak for vm-baseline.
#pragma once

#include <filesystem>

#include "builder/steps/tests/fixture.h"

namespace sarga::testing {

inline const char* kWeakFstab =
    "# <file system> <mount point> <type> <options> <dump> <pass>\n"
    "UUID=0b9d4c5e-0000-4000-8000-000000000001 / ext4 errors=remount-ro 0 1\n"
    "UUID=0b9d4c5e-0000-4000-8000-000000000002 /var ext4 defaults 0 2\n"
    "UUID=0b9d4c5e-0000-4000-8000-000000000003 /tmp ext4 defaults,exec 0 2\n"
    "UUID=0b9d4c5e-0000-4000-8000-000000000004 /home ext4 defaults 0 2\n"
    "UUID=ABCD-1234 /boot/efi vfat umask=0077 0 1\n";

inline const char* kDiskCmdline = "root=UUID=0b9d4c5e-0000-4000-8000-000000000001 ro console=tty0 console=ttyS0,115200";

inline void add_weak_vm_files(const std::filesystem::path& r) {
  put(r, "/etc/fstab", kWeakFstab);
  put(r, "/etc/kernel/cmdline", std::string(kDiskCmdline) + " audit=0\n");
}

}  // namespace sarga::testing
