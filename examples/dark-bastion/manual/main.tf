# An operator's switch for the dark bastion, kept in its own state:
#
#   tofu apply                                   # off (the default); switches off a bastion left on
#   tofu apply -var state=on                     # on for a maintenance window, off again after 2h
#   tofu plan                                    # shows drift when the plug state differs
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {
  plug {
    driver   = var.plug_driver
    address  = var.plug_address
    username = var.plug_username
    password = var.plug_password
  }
}

resource "sarga_bastion_power" "bastion" {
  state          = var.state
  auto_off_after = var.state == "on" ? var.window : null
  wait_for = {
    address = var.bastion_address
    timeout = "5m"
  }
}

output "bastion_power" {
  value = {
    state        = sarga_bastion_power.bastion.state
    last_changed = sarga_bastion_power.bastion.last_changed
    power_w      = sarga_bastion_power.bastion.power_w
  }
}
