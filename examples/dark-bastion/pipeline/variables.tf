variable "plug_driver" {
  description = "home_assistant, shelly_gen2, shelly_gen1 or tasmota (home_assistant has no device timer and is refused for sessions)."
  type        = string
  default     = "shelly_gen2"
}

variable "plug_address" {
  description = "Base URL of the smart plug, e.g. http://192.168.1.20."
  type        = string
}

variable "plug_username" {
  description = "Web user of a Shelly Gen1 or Tasmota plug."
  type        = string
  default     = "admin"
}

variable "plug_password" {
  description = "The plug's password (TF_VAR_plug_password)."
  type        = string
  sensitive   = true
}

variable "bastion_address" {
  description = "host:port of the bastion's SSH server."
  type        = string
}

variable "auto_off_after" {
  description = "Device timer: the bastion goes dark this long after the last renew, even if the run dies."
  type        = string
  default     = "30m"
}

variable "run_id" {
  description = "Changes per pipeline run (e.g. $CI_PIPELINE_ID), so the job runs on every apply."
  type        = string
  default     = "manual"
}
