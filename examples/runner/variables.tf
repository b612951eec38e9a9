# The ops cluster hosts the runner.
variable "ops_endpoint" {
  description = "API URL of the ops cluster (TF_VAR_ops_endpoint)."
  type        = string
}

variable "ops_api_token" {
  description = "API token for the ops cluster, USER@REALM!TOKENID=SECRET."
  type        = string
  sensitive   = true
}

variable "ops_fingerprint" {
  description = "SHA-256 fingerprint of the ops node certificate; null verifies against the system CAs."
  type        = string
  default     = null
}

variable "ops_node" {
  type    = string
  default = "pve1"
}

variable "ops_storage" {
  type    = string
  default = "local-lvm"
}

variable "ops_template_storage" {
  type    = string
  default = "local"
}

variable "ops_bridge" {
  type    = string
  default = "vmbr0"
}

# The lab cluster is what the runner's pipelines manage.
variable "lab_endpoint" {
  description = "API URL of the lab cluster (TF_VAR_lab_endpoint)."
  type        = string
}

variable "lab_api_token" {
  description = "API token for the lab cluster."
  type        = string
  sensitive   = true
}

variable "lab_fingerprint" {
  description = "SHA-256 fingerprint of the lab node certificate; null verifies against the system CAs."
  type        = string
  default     = null
}

variable "lab_storage" {
  type    = string
  default = "local-lvm"
}

variable "lab_bridge" {
  type    = string
  default = "vmbr0"
}

variable "runner_name" {
  type    = string
  default = "ci-runner-1"
}

variable "runner_template_regex" {
  description = "Pattern of the runner LXC template; the newest match wins."
  type        = string
  default     = "^debian-12-ci-runner_"
}

variable "ssh_public_key" {
  type    = string
  default = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRunnerExampleKeyReplaceMeWithYourOwnKey0000 ci@example"
}
