"""The README quickstart, exactly as written in the issue, works offline."""

from sarga_tofu import iso_volume_id

QUICKSTART = '''terraform {
  required_providers { sarga = { source = "sarga/sarga" } }
}
provider "sarga" {}

resource "sarga_cloudinit_seed" "web" {
  hostname    = "web-01"
  user_data   = <<-EOT
    #cloud-config
    packages: [nginx]
  EOT
  output_path = "${path.module}/web-01-seed.iso"
}
'''


def test_quickstart(workspace):
    workspace.write(QUICKSTART, with_provider=False)
    workspace.init()
    workspace.apply()
    iso = workspace.path / "web-01-seed.iso"
    assert iso.exists() and iso_volume_id(iso) == "cidata"
    workspace.assert_no_changes()
    workspace.destroy()
    assert not iso.exists()
