# Publishes an LXC template that was already built (for example by
# examples/images/debian12-lxc-hardened.pkr.hcl) to a Proxmox VE storage, after auditing it
# again; examples/homelab/main.tf then finds it with data "sarga_template". scripts/demo.sh runs
# both against the local pve-sim.
#
#   sarga-build build -var archive=... -var pve_endpoint=... -var pve_token=... \
#     -var pve_fingerprint=... examples/homelab/publish-template.pkr.hcl

variable "archive" {
  type        = string
  description = "The template archive to publish (.tar.zst/.tar.xz/.tar.gz)."
}

variable "pve_endpoint" {
  type    = string
  default = "https://127.0.0.1:8006"
}

variable "pve_token" {
  type      = string
  sensitive = true
  default   = env("PROXMOX_VE_API_TOKEN")
}

variable "pve_fingerprint" {
  type        = string
  description = "SHA-256 fingerprint of the node's TLS certificate (AA:BB:...)."
}

source "rootfs" "built" {
  path = var.archive
}

build {
  name    = "debian-12-hardened"
  sources = ["source.rootfs.built"]

  provisioner "hardening" {
    profile = "lxc-baseline"
  }

  post-processor "lxc-template" {
    format  = "zst"
    version = "1.0"
  }

  post-processor "proxmox" {
    endpoint    = var.pve_endpoint
    token       = var.pve_token
    node        = "pve1"
    storage     = "local"
    keep        = 3
    fingerprint = var.pve_fingerprint
  }

  post-processor "manifest" {}
}
