"""A small Debian-shaped rootfs written from Python: enough for PVE (os-release, /sbin) and
for every lxc-baseline rule to be applied without apt (unattended-upgrades is listed as
installed in the dpkg database)."""

import os
import pathlib


def dpkg_entry(name, version, extra=""):
    return (f"Package: {name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\n"
            f"Maintainer: Debian Maintainers <debian@example.org>\nVersion: {version}\n{extra}"
            f"Description: {name}\n\n")


FILES = {
    "etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
    "etc/debian_version": "12.8\n",
    "etc/hostname": "builder\n",
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n",
    "etc/group": "root:x:0:\nshadow:x:42:\n",
    "etc/shadow": "root:*:19000:0:99999:7:::\nsshd:!:19000::::::\n",
    "etc/gshadow": "root:*::\nshadow:*::\n",
    "etc/shells": "/bin/sh\n/bin/bash\n",
    "etc/login.defs": "PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\nUMASK\t\t022\n",
    "etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nUsePAM yes\n",
    "etc/ssh/ssh_host_ed25519_key": "PRIVATE\n",
    "etc/pam.d/common-auth": "auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n",
    "etc/pam.d/common-account": "account\trequired\t\t\tpam_unix.so\n",
    "etc/pam.d/common-password": "password\t[success=1 default=ignore]\tpam_unix.so obscure nullok yescrypt\n",
    "etc/apt/sources.list": "deb http://deb.debian.org/debian bookworm main\n",
    "etc/machine-id": "0123456789abcdef0123456789abcdef\n",
    "usr/sbin/sshd": "ELF\n",
    "usr/bin/passwd": "ELF\n",
    "var/lib/dpkg/arch": "amd64\n",
    "var/lib/dpkg/status": dpkg_entry("base-files", "12.4+deb12u8") + dpkg_entry("libc6", "2.36-9+deb12u9", "Source: glibc\n")
    + dpkg_entry("openssh-server", "1:9.2p1-2+deb12u3", "Source: openssh\nDepends: libc6 (>= 2.36)\n")
    + dpkg_entry("unattended-upgrades", "2.9.1+nmu3"),
    "root/.bash_history": "history\n",
}


def make_fixture_rootfs(root: pathlib.Path) -> pathlib.Path:
    root.mkdir(parents=True)
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    os.chmod(root / "usr/bin/passwd", 0o4755)
    os.chmod(root / "etc/shadow", 0o640)
    for d in ("usr/lib", "tmp", "var/log", "dev", "proc", "sys", "run"):
        (root / d).mkdir(parents=True, exist_ok=True)
    os.chmod(root / "tmp", 0o1777)
    os.symlink("usr/sbin", root / "sbin")
    os.symlink("usr/bin", root / "bin")
    os.symlink("usr/lib", root / "lib")
    return root


FAKE_KERNEL_VERSION = "6.1.0-99-amd64"


def add_fake_boot(root: pathlib.Path) -> pathlib.Path:
    """A kernel, initrd and systemd-boot that are not programs: enough for the disk-image output
    to lay out a disk, and an image that OVMF cannot boot (the fast failure of qemu-verify)."""
    files = {
        f"boot/vmlinuz-{FAKE_KERNEL_VERSION}": "not a kernel\n",
        f"boot/initrd.img-{FAKE_KERNEL_VERSION}": "not an initrd\n",
        "usr/lib/systemd/boot/efi/systemd-bootx64.efi": "not an EFI program\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
