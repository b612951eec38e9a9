variable "proxmox_endpoint" {
  description = "API URL such as https://pve1.example:8006; null reads SARGA_PROXMOX_ENDPOINT."
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
  description = "SHA-256 fingerprint of the node certificate; null reads SARGA_PROXMOX_FINGERPRINT."
  type        = string
  default     = null
}

variable "node" {
  description = "Node for the VM and its seed ISO."
  type        = string
  default     = "pve1"
}

variable "iso_storage" {
  description = "Storage with content type iso on that node."
  type        = string
  default     = "local"
}

variable "bridge" {
  type    = string
  default = "vmbr0"
}

variable "hostname" {
  type    = string
  default = "app-01"
}

variable "vm_template_regex" {
  description = "Pattern of the VM template to clone; the newest match wins."
  type        = string
  default     = "^debian-12-cloud"
}

variable "ansible_repo" {
  description = "Git repository ansible-pull checks out on the guest."
  type        = string
  default     = "https://git.example.com/infra/site.git"
}

variable "ansible_branch" {
  type    = string
  default = "main"
}

variable "ansible_playbook" {
  description = "Playbook inside the repository."
  type        = string
  default     = "app.yml"
}

variable "status_webhook" {
  description = "URL that receives the provisioning report (JSON POST)."
  type        = string
  default     = "https://status.example.com/hooks/provisioning"
}

variable "ssh_public_key" {
  description = "Key for the ops user, for break-glass access."
  type        = string
  default     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIProvisionThenPullExampleKeyReplaceMe00000 ops@example"
}
