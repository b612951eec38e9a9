# Two web VMs cloned from a cloud-image template (for example one `sarga-build` published),
# with a bigger system disk, a data disk, cloud-init from Proxmox's native drive, and the
# guest agent's address as output.
# Proxmox settings come from the environment: SARGA_PROXMOX_ENDPOINT, SARGA_PROXMOX_API_TOKEN
# and SARGA_PROXMOX_FINGERPRINT (or ca_file) -- see the provider docs.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

variable "template_name" {
  description = "Name of the VM template to clone."
  type        = string
  default     = "debian-12-cloud"
}

variable "ssh_public_keys" {
  description = "Keys for the default user."
  type        = list(string)
  default     = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnlyKey admin@example"]
}

resource "sarga_vm" "web" {
  count = 2

  node       = "pve1"
  name       = "web-${count.index + 1}"
  tags       = ["web", "prod"]
  vmid_range = { from = 2000, to = 2099 }
  clone      = { source_name = var.template_name, full = true, target_storage = "local-lvm" }

  cpu    = { cores = 2, type = "host" }
  memory = { dedicated = 2048 }
  disks = {
    scsi0 = { size_gb = 16 }                                              # grown from the template's size
    scsi1 = { storage = "local-lvm", size_gb = 32, discard = true, iothread = true } # data
  }
  network = {
    net0 = { bridge = "vmbr0", vlan = 20 }
  }
  cloud_init = {
    user     = "admin"
    ssh_keys = var.ssh_public_keys
    ipconfig = {
      net0 = { ipv4 = "10.20.0.${11 + count.index}/24", gateway4 = "10.20.0.1" }
    }
    dns_servers   = ["10.20.0.1"]
    search_domain = "lab.example"
  }
  agent   = { enabled = true, wait_for_ip = { timeout = "5m", family = "ipv4" } }
  on_boot = true
}

output "web" {
  value = { for vm in sarga_vm.web : vm.name => { id = vm.id, ipv4 = vm.ipv4_addresses } }
}
