# A CI runner kept outside the cluster it manages. Pipelines on this runner create and destroy
# guests on the "lab" cluster (even rebuild it); the runner itself lives on the separate "ops"
# cluster, so no pipeline can take down its own runner. One configuration, two provider
# aliases, one per cluster.
#
#   tofu apply -var ops_endpoint=https://ops1:8006 -var lab_endpoint=https://lab1:8006 ...
#
# or export TF_VAR_ops_endpoint, TF_VAR_ops_api_token, ... (see variables.tf).
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {
  alias = "ops"
  proxmox {
    endpoint    = var.ops_endpoint
    api_token   = var.ops_api_token
    fingerprint = var.ops_fingerprint
  }
}

provider "sarga" {
  alias = "lab"
  proxmox {
    endpoint    = var.lab_endpoint
    api_token   = var.lab_api_token
    fingerprint = var.lab_fingerprint
  }
}

# What the runner will manage: checked before the runner is made, so a wrong lab token fails
# this plan and not the first pipeline.
data "sarga_nodes" "lab" {
  provider = sarga.lab
}

# The runner image from the image pipeline (examples/images/ci-runner-lxc.pkr.hcl), newest first.
data "sarga_template" "runner" {
  provider   = sarga.ops
  kind       = "lxc"
  name_regex = var.runner_template_regex
  node       = var.ops_node
  storage    = var.ops_template_storage
}

resource "sarga_lxc" "runner" {
  provider     = sarga.ops
  node         = var.ops_node
  hostname     = var.runner_name
  template     = data.sarga_template.runner.volume_id
  unprivileged = true
  # Nested containers for container-based jobs; keyctl for their keyrings.
  features = { nesting = true, keyctl = true }
  cores    = 2
  memory   = 2048
  swap     = 0
  rootfs   = { storage = var.ops_storage, size_gb = 16 }
  mount_points = {
    # Build caches survive a runner rebuild only if they are not on the rootfs.
    mp0 = { storage = var.ops_storage, size_gb = 32, path = "/srv/runner/cache", backup = false }
  }
  network = {
    eth0 = { bridge = var.ops_bridge, ipv4 = "dhcp" }
  }
  ssh_public_keys = [var.ssh_public_key]
  description     = "CI runner for the lab cluster (${join(", ", [for n in data.sarga_nodes.lab.nodes : n.name])}) at ${var.lab_endpoint}"
  tags            = ["ci", "runner"]
  on_boot         = true
  started         = true
}

# A long-lived canary on the lab cluster that pipelines smoke-test against; it is owned by
# this configuration, not by the pipelines, so a broken pipeline cannot delete it.
resource "sarga_vm" "lab_canary" {
  provider = sarga.lab
  node     = data.sarga_nodes.lab.nodes[0].name
  name     = "ci-canary"
  tags     = ["ci", "canary"]
  memory   = { dedicated = 512 }
  disks = {
    scsi0 = { storage = var.lab_storage, size_gb = 2 }
  }
  network = {
    net0 = { bridge = var.lab_bridge }
  }
  started = false
}

output "runner" {
  value = sarga_lxc.runner.id
}

output "lab_nodes" {
  value = [for n in data.sarga_nodes.lab.nodes : n.name]
}

output "lab_canary" {
  value = sarga_vm.lab_canary.id
}
