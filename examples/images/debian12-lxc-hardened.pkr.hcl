# A hardened Debian 12 LXC template for Proxmox VE.
#
#   sarga-build build examples/images/debian12-lxc-hardened.pkr.hcl
#   sarga-build audit output-debian-12-hardened/debian-12-hardened_1.0_amd64.tar.zst
#
# This template only builds the archive; it does not publish. To upload the result to a
# Proxmox VE storage, run examples/homelab/publish-template.pkr.hcl with -var archive=<the
# .tar.zst above> (it audits the archive again, then its proxmox post-processor uploads it).
# For a VM template instead of an LXC one, see debian12-vm-hardened.pkr.hcl.

variable "version" {
  type    = string
  default = "1.0"
}

variable "source_date_epoch" {
  type        = number
  description = "Timestamp every file is clamped to; same inputs give a bit-identical archive."
  default     = 1700000000
}

variable "mirror" {
  type    = string
  default = "http://deb.debian.org/debian"
}

source "mmdebstrap" "bookworm" {
  suite             = "bookworm"
  variant           = "minbase"
  components        = ["main"]
  include           = ["openssh-server", "ifupdown", "systemd-sysv", "ca-certificates", "unattended-upgrades"]
  mirror            = var.mirror
  source_date_epoch = var.source_date_epoch
}

build {
  name    = "debian-12-hardened"
  sources = ["source.mmdebstrap.bookworm"]

  provisioner "files" {
    content     = "Managed by sarga-build. Changes may be overwritten.\n"
    destination = "/etc/motd"
    mode        = "0644"
  }

  provisioner "shell" {
    inline = [
      "echo 'LANG=C.UTF-8' > /etc/default/locale",
      "ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime",
    ]
  }

  provisioner "hardening" {
    profile = "lxc-baseline"
  }

  provisioner "cleanup" {}

  post-processor "lxc-template" {
    format  = "zst"
    version = var.version
  }

  post-processor "sbom" {}

  post-processor "manifest" {
    strip_path = true
  }
}
