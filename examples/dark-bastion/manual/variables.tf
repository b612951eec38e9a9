variable "state" {
  description = "on or off."
  type        = string
  default     = "off"
}

variable "window" {
  description = "How long the bastion stays on before the plug's own timer switches it off."
  type        = string
  default     = "2h"
}

variable "plug_driver" {
  description = "home_assistant, shelly_gen2, shelly_gen1 or tasmota."
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
