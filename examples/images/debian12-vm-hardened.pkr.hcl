# A hardened Debian 12 VM template for Proxmox VE: a bootable UEFI disk image assembled
# offline (no ISO, no installer, no SSH), booted once in QEMU to prove that it works, then
# published as a cloud-init-ready VM template that `sarga_vm` clones.
#
# Build and boot-test it, without publishing (no Proxmox needed; 2.5 minutes on 2 cores
# without KVM once the bootstrap is cached, see docs/builder/benchmarks.md):
#
#   sarga-build build -except proxmox-vm-template examples/images/debian12-vm-hardened.pkr.hcl
#
# Build, boot-test and publish it (the token is read from PROXMOX_VE_API_TOKEN unless given):
#
#   export PROXMOX_VE_API_TOKEN='sarga@pve!build=...'
#   sarga-build build -var pve_endpoint=https://pve.example.net:8006 -var pve_node=pve1 \
#     -var pve_fingerprint=AA:BB:... examples/images/debian12-vm-hardened.pkr.hcl
#
# The image lands in output-debian-12-vm-hardened/ with manifest.json (disk layout, boot
# time, published VMID) and sbom.spdx.json. Publishing needs PVE 8.4+ (uploads to the
# "import" content type) and a storage with that content; see docs/builder/publishing.md.

variable "version" {
  type        = string
  description = "Recorded in the VM description and the manifest."
  default     = "1.0"
}

variable "source_date_epoch" {
  type        = number
  description = "Timestamp every file is clamped to; same inputs give a bit-identical image."
  default     = 1700000000
}

variable "mirror" {
  type    = string
  default = "http://deb.debian.org/debian"
}

variable "pve_endpoint" {
  type    = string
  default = "https://127.0.0.1:8006"
}

variable "pve_token" {
  type        = string
  sensitive   = true
  description = "API token user@realm!tokenid=secret; empty is fine with -except proxmox-vm-template."
  default     = env("PROXMOX_VE_API_TOKEN")
}

variable "pve_node" {
  type    = string
  default = "pve1"
}

variable "pve_storage" {
  type        = string
  description = "Storage for the VM's disks, EFI disk and cloud-init drive."
  default     = "local-lvm"
}

variable "pve_fingerprint" {
  type        = string
  description = "SHA-256 fingerprint of the node's TLS certificate (AA:BB:...); empty: the system CAs."
  default     = ""
}

variable "verify_commands" {
  type        = list(string)
  description = "Run in the booted guest after cloud-init; each must succeed. Defaults: vm-baseline proofs."
  default = [
    "findmnt -n -O nodev,nosuid,noexec /tmp",
    "findmnt -n -O nodev,nosuid /var",
    "findmnt -n -O nodev,nosuid,noexec /dev/shm",
    "systemctl is-active --quiet qemu-guest-agent",
    "! systemctl is-failed --quiet cloud-init-local.service cloud-init.service cloud-config.service",
    "! modprobe -q cramfs && ! modprobe -q sctp && modprobe -q vfat",
    "[ \"$(sysctl -n net.ipv4.conf.all.accept_redirects)\" = 0 ] && [ \"$(sysctl -n kernel.kptr_restrict)\" = 2 ]",
    "systemctl is-active --quiet auditd && auditctl -s | grep -qx 'enabled 2'",
    "grep -qw audit=1 /proc/cmdline",
    "systemctl is-active --quiet systemd-timesyncd",
  ]
}

source "mmdebstrap" "bookworm" {
  suite = "bookworm"
  include = ["linux-image-amd64", "systemd-sysv", "systemd-boot", "initramfs-tools", "udev", "kmod",
             "e2fsprogs", "cloud-init", "qemu-guest-agent", "ifupdown", "isc-dhcp-client",
             "openssh-server", "ca-certificates", "unattended-upgrades",
             # what vm-baseline would otherwise install with apt in the chroot
             "auditd", "audispd-plugins", "systemd-timesyncd"]
  mirror            = var.mirror
  source_date_epoch = var.source_date_epoch
}

build {
  name    = "debian-12-vm-hardened"
  sources = ["source.mmdebstrap.bookworm"]

  provisioner "files" {
    content     = "Managed by sarga-build. Changes may be overwritten.\n"
    destination = "/etc/motd"
    mode        = "0644"
  }

  provisioner "cloud_init" {}

  provisioner "hardening" {
    profile = "vm-baseline"
  }

  provisioner "cleanup" {}

  # GPT: ESP (systemd-boot), /var, /tmp, then the root filesystem takes the rest.
  post-processor "disk-image" {
    format         = "qcow2"
    size           = "4G"
    esp_size       = "256M"
    serial_console = "ttyS0,115200"
    # no_timer_check: a busy host (or QEMU without KVM) can miss the kernel's early timer test
    # and panic with "IO-APIC + timer doesn't work"; cloud images commonly turn it off.
    kernel_options = ["no_timer_check"]
    partition {
      mountpoint = "/var"
      size       = "1G" # options default to nodev,nosuid
    }
    partition {
      mountpoint = "/tmp"
      size       = "512M" # options default to nodev,nosuid,noexec
    }
  }

  post-processor "sbom" {}

  # Boots the image once (TCG when there is no KVM) and waits for cloud-init's "finished".
  post-processor "qemu-verify" {
    timeout = "10m"
    memory  = 1024
    cpus    = 2
    inline  = var.verify_commands
  }

  post-processor "proxmox-vm-template" {
    endpoint       = var.pve_endpoint
    token          = var.pve_token
    node           = var.pve_node
    storage        = var.pve_storage
    import_storage = "local"
    tags           = ["debian", "hardened"]
    keep           = 3
    fingerprint    = var.pve_fingerprint
  }

  post-processor "manifest" {
    strip_path  = true
    custom_data = { version = var.version }
  }
}
