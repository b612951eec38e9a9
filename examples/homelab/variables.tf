variable "proxmox_endpoint" {
  description = "API URL such as https://pve1.home.arpa:8006; null reads SARGA_PROXMOX_ENDPOINT."
  type        = string
  default     = null
}

variable "proxmox_api_token" {
  description = "API token USER@REALM!TOKENID=SECRET; null reads SARGA_PROXMOX_API_TOKEN."
  type        = string
  default     = null
  sensitive   = true
}

variable "proxmox_fingerprint" {
  description = "SHA-256 fingerprint of the node certificate (AA:BB:...); null reads SARGA_PROXMOX_FINGERPRINT."
  type        = string
  default     = null
}

variable "bridge" {
  description = "VLAN-aware bridge on every node."
  type        = string
  default     = "vmbr0"
}

variable "shared_storage" {
  description = "Storage shared by all nodes (holds the golden template, so it clones anywhere)."
  type        = string
  default     = "nfs"
}

variable "guest_storage" {
  description = "Node-local storage for guest disks and cloud-init drives."
  type        = string
  default     = "local-lvm"
}

variable "template_node" {
  description = "Node holding the golden VM template and the published LXC templates."
  type        = string
  default     = "pve1"
}

variable "template_storage" {
  description = "Storage the image builder publishes LXC templates to."
  type        = string
  default     = "local"
}

variable "lxc_template_regex" {
  description = "Pattern of the LXC template to use; the newest match wins."
  type        = string
  default     = "^debian-12-hardened_"
}

variable "gpu_node" {
  description = "Node with the GPU."
  type        = string
  default     = "pve3"
}

variable "gpu_mapping" {
  description = "Cluster PCI resource mapping of the GPU."
  type        = string
  default     = "gpu0"
}

variable "start_gpu_worker" {
  description = "Start the GPU worker (needs the card to be free)."
  type        = bool
  default     = true
}

variable "ssh_public_key" {
  description = "Public key allowed to log in as admin (VMs) and root (containers)."
  type        = string
  default     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomelabExampleKeyReplaceMeWithYourOwn0000 admin@homelab"
}
