# Find the VM template sarga-build published (by name, or by tags) and clone it.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

data "sarga_vm" "golden" {
  name = "debian-12-cloud"
  tags = ["golden"]
}

resource "sarga_vm" "app" {
  node  = data.sarga_vm.golden.node
  name  = "app-1"
  clone = { source_vmid = data.sarga_vm.golden.vmid, source_node = data.sarga_vm.golden.node }
}

output "golden" {
  value = { id = data.sarga_vm.golden.id, template = data.sarga_vm.golden.template }
}
