# Build cloud-config from an HCL object with provider::sarga::cloudinit_userdata and put it
# in a seed: keys come out sorted, so the same object always gives the same document.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

locals {
  cloud_config = {
    package_update = true
    packages       = ["nginx", "curl"]
    write_files = [{
      path        = "/var/www/html/index.html"
      permissions = "0644"
      content     = <<-EOT
        <h1>hello from web-02</h1>
      EOT
    }]
    runcmd = [["systemctl", "enable", "--now", "nginx"]]
  }
}

resource "sarga_cloudinit_seed" "web" {
  hostname    = "web-02"
  user_data   = provider::sarga::cloudinit_userdata(local.cloud_config)
  output_path = "${path.module}/web-02-seed.iso"
}

output "user_data" {
  value = sarga_cloudinit_seed.web.user_data
}
