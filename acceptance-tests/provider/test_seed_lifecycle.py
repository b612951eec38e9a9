"""sarga_cloudinit_seed through real tofu: create, empty re-plan, update in place, replace, destroy."""

import hashlib

from sarga_tofu import iso_files, iso_volume_id

SEED = """
resource "sarga_cloudinit_seed" "web" {{
  hostname    = "{hostname}"
  user_data   = <<-EOT
    #cloud-config
    packages: [{packages}]
  EOT
  meta_data   = {{ zone = "lab" }}
  network_config = <<-EOT
    version: 2
    ethernets:
      eth0:
        dhcp4: true
  EOT
  output_path = "${{path.module}}/{file}"
}}

output "sha256" {{ value = sarga_cloudinit_seed.web.sha256 }}
"""


def seed(hostname="web-01", packages="nginx", file="web-01-seed.iso"):
    return SEED.format(hostname=hostname, packages=packages, file=file)


def sha256_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_then_plan_is_empty(workspace):
    workspace.write(seed())
    workspace.init()
    plan = workspace.plan(expect=2).stdout
    assert "sarga_cloudinit_seed.web will be created" in plan
    # Rendered at plan time: the hash is known before apply.
    assert "sha256" in plan and "(known after apply)" not in plan.split("sha256")[1].splitlines()[0]
    workspace.apply()

    iso = workspace.path / "web-01-seed.iso"
    values = workspace.resources()["sarga_cloudinit_seed.web"]
    assert values["sha256"] == sha256_of(iso)
    assert values["size"] == iso.stat().st_size
    assert values["id"] == "./web-01-seed.iso"
    assert values["instance_id"].startswith("iid-") and len(values["instance_id"]) == 20
    assert values["rendered_user_data"] == "#cloud-config\npackages: [nginx]\n"
    assert values["gzip"] is False
    assert iso_volume_id(iso) == "cidata"
    files = iso_files(iso)
    assert sorted(files) == ["meta-data", "network-config", "user-data"]
    assert files["user-data"] == b"#cloud-config\npackages: [nginx]\n"
    meta = files["meta-data"].decode()
    assert f'instance-id: "{values["instance_id"]}"' in meta
    assert 'local-hostname: "web-01"' in meta and 'zone: "lab"' in meta
    assert workspace.outputs()["sha256"] == values["sha256"]

    workspace.assert_no_changes()


def test_update_in_place_and_replace(workspace):
    workspace.write(seed())
    workspace.init()
    workspace.apply()
    iso = workspace.path / "web-01-seed.iso"
    before = workspace.resources()["sarga_cloudinit_seed.web"]

    workspace.write(seed(packages="nginx, curl"))
    plan = workspace.plan(expect=2).stdout
    assert "will be updated in-place" in plan, plan
    assert "must be replaced" not in plan
    workspace.apply()
    after = workspace.resources()["sarga_cloudinit_seed.web"]
    assert after["sha256"] == sha256_of(iso) != before["sha256"]
    assert after["instance_id"] != before["instance_id"]  # cloud-init sees a new instance
    assert iso_files(iso)["user-data"] == b"#cloud-config\npackages: [nginx, curl]\n"
    workspace.assert_no_changes()

    workspace.write(seed(packages="nginx, curl", file="moved/seed.iso"))
    plan = workspace.plan(expect=2).stdout
    assert "must be replaced" in plan and "forces replacement" in plan, plan
    workspace.apply()
    moved = workspace.path / "moved" / "seed.iso"
    assert moved.exists() and not iso.exists()
    assert sha256_of(moved) == after["sha256"]  # same content, same bytes
    workspace.assert_no_changes()

    workspace.destroy()
    assert not moved.exists()
    assert workspace.resources() == {}


def test_identical_inputs_give_identical_files(workspace):
    workspace.write(seed() + seed(file="copy.iso").replace('"web"', '"copy"').replace(
        "sarga_cloudinit_seed.web.sha256", "sarga_cloudinit_seed.copy.sha256").replace(
        'output "sha256"', 'output "copy_sha256"'))
    workspace.init()
    workspace.apply()
    a = (workspace.path / "web-01-seed.iso").read_bytes()
    b = (workspace.path / "copy.iso").read_bytes()
    assert a == b


def test_parts_gzip_and_vendor_data(workspace):
    workspace.write("""
    resource "sarga_cloudinit_seed" "multi" {
      hostname = "multi"
      gzip     = true
      part {
        content_type = "text/cloud-config"
        filename     = "base.yaml"
        merge_type   = "list(append)+dict(recurse_array)+str()"
        content      = "packages: [vim]\\n"
      }
      part {
        content_type = "text/x-shellscript"
        content      = "#!/bin/sh\\necho hello\\n"
      }
      vendor_data = "#cloud-config\\ntimezone: UTC\\n"
      instance_id = "multi-1"
      output_path = "${path.module}/multi.iso"
    }
    """)
    workspace.init()
    workspace.apply()
    import base64
    import gzip

    values = workspace.resources()["sarga_cloudinit_seed.multi"]
    files = iso_files(workspace.path / "multi.iso")
    assert sorted(files) == ["meta-data", "user-data", "vendor-data"]
    user = gzip.decompress(files["user-data"]).decode()
    assert base64.b64decode(values["rendered_user_data"]) == files["user-data"]
    assert user.startswith('Content-Type: multipart/mixed; boundary="MIMEBOUNDARY"\r\n')
    assert 'filename="base.yaml"' in user and "X-Merge-Type: list(append)" in user
    assert "Content-Type: text/x-shellscript" in user and "#!/bin/sh\necho hello\n" in user
    assert files["vendor-data"] == b"#cloud-config\ntimezone: UTC\n"
    assert 'instance-id: "multi-1"' in files["meta-data"].decode()
    assert values["instance_id"] == "multi-1"
    workspace.assert_no_changes()


def test_values_unknown_at_plan_time(workspace):
    # terraform_data's output is only known after apply, so the seed plans with unknowns.
    workspace.write("""
    resource "terraform_data" "doc" {
      input = "#cloud-config\\npackages: [git]\\n"
    }

    resource "sarga_cloudinit_seed" "late" {
      hostname    = "late"
      user_data   = terraform_data.doc.output
      output_path = "${path.module}/late.iso"
    }
    """)
    workspace.init()
    plan = workspace.plan(expect=2).stdout
    assert "sarga_cloudinit_seed.late will be created" in plan
    assert "sha256             = (known after apply)" in plan, plan
    assert 'id                 = "./late.iso"' in plan, plan
    workspace.apply()
    values = workspace.resources()["sarga_cloudinit_seed.late"]
    assert values["user_data"] == "#cloud-config\npackages: [git]\n"
    assert values["sha256"] == sha256_of(workspace.path / "late.iso")
    workspace.assert_no_changes()
