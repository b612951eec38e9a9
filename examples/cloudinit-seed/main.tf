# A NoCloud seed for a web server: cloud-config from parts, a static network and extra
# meta-data, written as web-01-seed.iso next to this file.
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {}

resource "sarga_cloudinit_seed" "web" {
  hostname = "web-01"

  part {
    content_type = "text/cloud-config"
    filename     = "base.yaml"
    content      = <<-EOT
      package_update: true
      packages: [nginx]
      users:
        - name: ops
          groups: [sudo]
          shell: /bin/bash
    EOT
  }

  part {
    content_type = "text/x-shellscript"
    filename     = "enable-nginx.sh"
    content      = <<-EOT
      #!/bin/sh
      systemctl enable --now nginx
    EOT
  }

  network_config = <<-EOT
    version: 2
    ethernets:
      eth0:
        addresses: [192.0.2.10/24]
        routes:
          - to: default
            via: 192.0.2.1
        nameservers:
          addresses: [192.0.2.1]
  EOT

  meta_data = {
    "availability-zone" = "rack-1"
  }

  output_path = "${path.module}/web-01-seed.iso"
}

output "seed_sha256" {
  value = sarga_cloudinit_seed.web.sha256
}

output "instance_id" {
  value = sarga_cloudinit_seed.web.instance_id
}
