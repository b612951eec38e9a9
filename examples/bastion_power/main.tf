terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {
  plug {
    driver  = "home_assistant"
    address = "http://homeassistant.lan:8123"
    # token: SARGA_PLUG_TOKEN
  }
}

# Dark by default: refresh reads the plug, and a bastion left on is switched off by the
# next apply. Set state = "on" for a maintenance window.
resource "sarga_bastion_power" "bastion" {
  entity_id       = "switch.bastion_plug"
  power_entity_id = "sensor.bastion_plug_power"
  state           = "off"
}

# A Shelly plug with its own timer: on for at most an hour, even if nobody applies "off".
resource "sarga_bastion_power" "lab_bastion" {
  driver         = "shelly_gen2"
  address        = "http://192.168.1.21"
  password       = var.shelly_password
  state          = "on"
  auto_off_after = "1h"
  wait_for = {
    address = "10.0.0.6:22"
    timeout = "3m"
  }
}

variable "shelly_password" {
  type      = string
  sensitive = true
}
