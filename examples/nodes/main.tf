# The cluster's nodes, e.g. to spread guests over the online ones.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

data "sarga_nodes" "all" {}

locals {
  online = [for n in data.sarga_nodes.all.nodes : n.name if n.status == "online"]
}

output "online_nodes" {
  value = local.online
}

output "memory_gib" {
  value = { for n in data.sarga_nodes.all.nodes : n.name => floor(n.memory / 1073741824) }
}
