# A web container from the newest Debian 12 container template on pve1 (for example the
# one `sarga-build` published), with a data volume and two network interfaces.
# Proxmox settings come from the environment: SARGA_PROXMOX_ENDPOINT, SARGA_PROXMOX_API_TOKEN
# and SARGA_PROXMOX_FINGERPRINT (or ca_file) -- see the provider docs.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

variable "ssh_public_keys" {
  description = "Keys allowed to log in as root."
  type        = list(string)
  default     = []
}

variable "root_password" {
  description = "Root password (write-only: never stored in the state). Unset: no password login."
  type        = string
  default     = null
  sensitive   = true
}

data "sarga_template" "debian" {
  kind       = "lxc"
  name_regex = "^debian-12-"
  node       = "pve1"
}

resource "sarga_lxc" "web" {
  node     = "pve1"
  hostname = "web-01"
  # A newer template replaces the container; add lifecycle { ignore_changes = [template] }
  # to keep containers until you choose to rebuild them.
  template = data.sarga_template.debian.volume_id

  features = { nesting = true }
  cores    = 2
  memory   = 1024
  swap     = 512

  rootfs = { storage = "local-lvm", size_gb = 8 }
  mount_points = {
    mp0 = { storage = "local-lvm", size_gb = 16, path = "/srv/data", backup = true }
  }
  network = {
    eth0 = { bridge = "vmbr0", ipv4 = "dhcp" }
    mgmt = { bridge = "vmbr0", vlan = 20, ipv4 = "10.20.0.15/24", gateway4 = "10.20.0.1" }
  }

  ssh_public_keys = var.ssh_public_keys
  password        = var.root_password
  tags            = ["web", "prod"]
  on_boot         = true
}

# Data source sarga_lxc looks containers up by vmid, or by name and/or tags (also ones made
# outside OpenTofu).
data "sarga_lxc" "web" {
  vmid = sarga_lxc.web.vmid
}

output "web" {
  value = { id = sarga_lxc.web.id, mac = sarga_lxc.web.network["eth0"].mac, status = data.sarga_lxc.web.status }
}
