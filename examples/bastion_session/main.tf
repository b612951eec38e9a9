terraform {
  required_version = ">= 1.11.0"
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {
  plug {
    driver  = "tasmota"
    address = "http://192.168.1.22"
    # password: SARGA_PLUG_PASSWORD
  }
}

# The bastion is on while this run needs it; the plug's PulseTime switches it off 30 minutes
# after the last renew if the run dies.
ephemeral "sarga_bastion_session" "bastion" {
  auto_off_after = "30m"
  wait_for = {
    address = "10.0.0.5:22"
  }
}

# Anything that accepts ephemeral values can use it: provisioner connection blocks,
# provider configuration, write-only attributes.
resource "terraform_data" "patch_internal_hosts" {
  provisioner "remote-exec" {
    connection {
      host         = "10.0.1.10"
      user         = "ops"
      bastion_host = ephemeral.sarga_bastion_session.bastion.host
      bastion_port = ephemeral.sarga_bastion_session.bastion.port
    }
    inline = ["sudo apt-get -y upgrade"]
  }
}
