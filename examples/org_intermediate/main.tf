terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

# OpenBao address and token come from SARGA_BAO_ADDR / SARGA_BAO_TOKEN (or BAO_ADDR /
# BAO_TOKEN); the root CA lives in the PKI mount "pki_root".
provider "sarga" {}

resource "sarga_org_intermediate" "acme" {
  backend               = "openbao"
  name                  = "acme" # mount pki_org_acme
  common_name           = "Acme Intermediate CA"
  root_mount            = "pki_root"
  ttl                   = "8760h"
  renew_before          = "720h"
  max_path_length       = 0 # may issue leaves only
  permitted_dns_domains = ["acme.example"]

  roles = {
    web = { ttl = "72h", max_ttl = "720h" }
  }
}

output "acme_ca_chain" {
  value = sarga_org_intermediate.acme.ca_chain
}
