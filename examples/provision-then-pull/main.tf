# Provision, then pull: Proxmox only boots a VM with a cloud-init seed; the guest configures
# itself with ansible-pull from a Git repository and reports the outcome to a status webhook.
# No SSH from the machine running tofu, no snippets storage: the seed is an ISO uploaded
# through the API. Changing the playbook settings uploads a new seed and swaps the VM's
# cdrom in place (the VM is not replaced; cloud-init runs again on the next boot because the
# instance-id changes).
#
# Connection settings: the variables below or, when null, SARGA_PROXMOX_ENDPOINT,
# SARGA_PROXMOX_API_TOKEN and SARGA_PROXMOX_FINGERPRINT.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {
  proxmox {
    endpoint    = var.proxmox_endpoint
    api_token   = var.proxmox_api_token
    fingerprint = var.proxmox_fingerprint
  }
}

locals {
  # Runs once on first boot (and again whenever the seed changes): pull the playbook, run it,
  # then tell the status webhook how it went, with the host name and the ansible exit code.
  pull_script = <<-EOT
    #!/bin/sh
    set -u
    ansible-pull --url '${var.ansible_repo}' --checkout '${var.ansible_branch}' \
      --inventory localhost, '${var.ansible_playbook}' > /var/log/ansible-pull.log 2>&1
    rc=$?
    curl -fsS --retry 5 --retry-all-errors -H 'Content-Type: application/json' \
      -d "{\"host\": \"$(hostname)\", \"stage\": \"ansible-pull\", \"exit_code\": $rc}" \
      '${var.status_webhook}'
    exit $rc
  EOT
}

resource "sarga_cloudinit_seed" "app" {
  hostname = var.hostname
  # Proxmox mode: the ISO is uploaded to this node's storage (content "iso") instead of a file.
  node    = var.node
  storage = var.iso_storage

  user_data = provider::sarga::cloudinit_userdata({
    package_update = true
    packages       = ["ansible-core", "git", "curl"]
    users = [{
      name                = "ops"
      groups              = ["sudo"]
      shell               = "/bin/bash"
      sudo                = "ALL=(ALL) NOPASSWD:ALL"
      ssh_authorized_keys = [var.ssh_public_key]
    }]
    write_files = [{
      path        = "/usr/local/sbin/provision-then-pull"
      permissions = "0755"
      content     = local.pull_script
    }]
    runcmd = [["/usr/local/sbin/provision-then-pull"]]
    # cloud-init's own report once boot finished (instance id, host name, keys).
    phone_home = {
      url   = var.status_webhook
      post  = ["instance_id", "hostname"]
      tries = 10
    }
  })

  network_config = <<-EOT
    version: 2
    ethernets:
      eth0:
        match: { name: "e*" }
        dhcp4: true
  EOT
}

# The base image comes from the image pipeline: the newest VM template matching the pattern.
data "sarga_template" "base" {
  kind       = "vm"
  name_regex = var.vm_template_regex
}

resource "sarga_vm" "app" {
  node = var.node
  name = var.hostname
  tags = ["ansible-pull"]
  clone = {
    source_vmid = data.sarga_template.base.vmid
    source_node = data.sarga_template.base.node
  }
  cpu    = { cores = 2 }
  memory = { dedicated = 2048 }
  network = {
    net0 = { bridge = var.bridge }
  }
  # The seed rides along as a cdrom on ide2; cloud-init finds it by its "cidata" label.
  cloud_init = {
    seed_volume = sarga_cloudinit_seed.app.volume_id
  }
  agent   = { enabled = true }
  started = true
}

output "seed_volume" {
  value = sarga_cloudinit_seed.app.volume_id
}

output "vm" {
  value = sarga_vm.app.id
}
