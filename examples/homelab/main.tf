# A homelab on a three-node Proxmox VE cluster: a golden VM template on shared storage,
# servers cloned from it onto every node in two VLANs, a GPU worker with a passed-through
# PCI device, and an LXC container from the newest hardened template the image builder
# (sarga-build) published.
#
#   tofu init && tofu apply
#
# Connection settings come from the variables below or, when they are left null, from the
# environment: SARGA_PROXMOX_ENDPOINT, SARGA_PROXMOX_API_TOKEN, SARGA_PROXMOX_FINGERPRINT.
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
  vlans = {
    servers = { tag = 10, prefix = "10.0.10", gateway = "10.0.10.1" }
    media   = { tag = 20, prefix = "10.0.20", gateway = "10.0.20.1" }
  }

  # One server per node; the VLAN decides the address plan.
  servers = {
    "dns-1"    = { node = "pve1", vlan = "servers", host = 11, cores = 1, memory = 1024 }
    "dns-2"    = { node = "pve2", vlan = "servers", host = 12, cores = 1, memory = 1024 }
    "jellyfin" = { node = "pve3", vlan = "media", host = 21, cores = 4, memory = 4096 }
  }
}

# The golden image every server is cloned from. Its disk lives on shared storage, so PVE can
# clone it onto any node.
resource "sarga_vm" "golden" {
  node     = var.template_node
  name     = "debian-12-golden"
  template = true
  started  = false
  tags     = ["golden", "debian-12"]
  cpu      = { cores = 1, type = "x86-64-v2-AES" }
  memory   = { dedicated = 1024 }
  disks = {
    scsi0 = { storage = var.shared_storage, size_gb = 8, discard = true, ssd = true }
  }
  network = {
    net0 = { bridge = var.bridge }
  }
}

resource "sarga_vm" "server" {
  for_each = local.servers

  node = each.value.node
  name = each.key
  tags = ["homelab", "vlan-${each.value.vlan}"]
  clone = {
    source_vmid    = sarga_vm.golden.vmid
    source_node    = sarga_vm.golden.node
    target_storage = var.guest_storage
  }
  cpu    = { cores = each.value.cores }
  memory = { dedicated = each.value.memory }
  network = {
    net0 = { bridge = var.bridge, vlan = local.vlans[each.value.vlan].tag }
  }
  cloud_init = {
    storage  = var.guest_storage
    user     = "admin"
    ssh_keys = [var.ssh_public_key]
    ipconfig = {
      net0 = {
        ipv4     = "${local.vlans[each.value.vlan].prefix}.${each.value.host}/24"
        gateway4 = local.vlans[each.value.vlan].gateway
      }
    }
    dns_servers   = ["10.0.10.11", "10.0.10.12"]
    search_domain = "home.arpa"
  }
  agent   = { enabled = true }
  on_boot = true
  startup = { order = 2 }
}

# A GPU worker: the card is passed through by its cluster-wide resource mapping (Datacenter ->
# Resource Mappings), which works with API tokens; `id = "0000:01:00"` needs root@pam.
resource "sarga_vm" "gpu" {
  node   = var.gpu_node
  name   = "gpu-worker"
  tags   = ["homelab", "gpu", "vlan-media"]
  cpu    = { cores = 4, type = "host" }
  memory = { dedicated = 8192, balloon = 0 } # passthrough pins all guest memory
  disks = {
    scsi0 = { storage = var.guest_storage, size_gb = 32, iothread = true, discard = true }
  }
  network = {
    net0 = { bridge = var.bridge, vlan = local.vlans.media.tag }
  }
  hostpci = {
    hostpci0 = { mapping = var.gpu_mapping, rombar = true }
  }
  started = var.start_gpu_worker
}

# The newest hardened container template the image builder published (sarga-build's
# "proxmox" post-processor), found by name: the handoff from builder to provider.
data "sarga_template" "lxc" {
  kind       = "lxc"
  name_regex = var.lxc_template_regex
  node       = var.template_node
  storage    = var.template_storage
}

resource "sarga_lxc" "pihole" {
  node         = "pve1"
  hostname     = "pihole"
  template     = data.sarga_template.lxc.volume_id
  unprivileged = true
  features     = { nesting = true }
  cores        = 1
  memory       = 512
  swap         = 512
  rootfs       = { storage = var.guest_storage, size_gb = 4 }
  network = {
    eth0 = { bridge = var.bridge, vlan = local.vlans.servers.tag, ipv4 = "10.0.10.53/24", gateway4 = local.vlans.servers.gateway }
  }
  ssh_public_keys = [var.ssh_public_key]
  tags            = ["homelab", "dns"]
  on_boot         = true
}

output "servers" {
  description = "name -> node/vmid of every server."
  value       = { for name, vm in sarga_vm.server : name => vm.id }
}

output "gpu_worker" {
  value = sarga_vm.gpu.id
}

output "pihole" {
  value = {
    id       = sarga_lxc.pihole.id
    template = data.sarga_template.lxc.volume_id
  }
}
