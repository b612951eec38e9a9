# The handoff from the image builder: the newest golden VM template and the newest hardened
# container template, found by name pattern (and tags for VMs).
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

data "sarga_template" "vm" {
  kind       = "vm"
  name_regex = "^golden-debian-12"
  tags       = ["golden"]
}

data "sarga_template" "ct" {
  kind       = "lxc"
  name_regex = "^debian-12-hardened_.*\\.tar\\.(zst|xz|gz)$"
  storage    = "local"
}

output "vm_template" {
  value = { vmid = data.sarga_template.vm.vmid, node = data.sarga_template.vm.node, created = data.sarga_template.vm.created }
}

output "ct_template" {
  value = data.sarga_template.ct.volume_id
}
