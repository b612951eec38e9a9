# The demo's tofu half: a cloud-init NoCloud seed for a web server, rendered with the
# provider function, written as an ISO next to this file.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

resource "sarga_cloudinit_seed" "web" {
  hostname = "web-01"
  user_data = provider::sarga::cloudinit_userdata({
    packages      = ["nginx"]
    package_update = true
    runcmd        = [["systemctl", "enable", "--now", "nginx"]]
  })
  output_path = "${path.module}/web-01-seed.iso"
}

output "seed" {
  value = {
    path        = sarga_cloudinit_seed.web.output_path
    sha256      = sarga_cloudinit_seed.web.sha256
    instance_id = sarga_cloudinit_seed.web.instance_id
  }
}
