# One shared root, two organisations with their own intermediate CA each, limited to their
# own domains, and an issuing role per organisation for leaf certificates.
#
# Prerequisite: a root CA in the OpenBao PKI mount `var.root_mount`, e.g.
#   bao secrets enable -path=pki_root -max-lease-ttl=87600h pki
#   bao write pki_root/root/generate/internal common_name="Example Root" ttl=87600h key_type=ec
# Then: tofu apply, and issue a leaf through an organisation's role:
#   bao write pki_org_acme/issue/web common_name=www.acme.example
terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

provider "sarga" {} # SARGA_BAO_ADDR / SARGA_BAO_TOKEN (or BAO_ADDR / BAO_TOKEN)

variable "root_mount" {
  type    = string
  default = "pki_root"
}

variable "organisations" {
  description = "Organisation name => its DNS domains."
  type        = map(list(string))
  default = {
    acme   = ["acme.example"]
    globex = ["globex.example", "globex.test"]
  }
}

resource "sarga_org_intermediate" "org" {
  for_each = var.organisations

  backend               = "openbao"
  name                  = each.key
  common_name           = "${title(each.key)} Intermediate CA"
  root_mount            = var.root_mount
  ttl                   = "4380h"
  renew_before          = "720h"
  max_path_length       = 0
  permitted_dns_domains = each.value

  roles = {
    web = { ttl = "72h", max_ttl = "720h" } # allowed_domains default to permitted_dns_domains
  }
}

output "issue_paths" {
  description = "Where each organisation issues leaf certificates."
  value       = { for k, ca in sarga_org_intermediate.org : k => "${ca.mount}/issue/web" }
}

output "ca_chains" {
  value = { for k, ca in sarga_org_intermediate.org : k => ca.ca_chain }
}
