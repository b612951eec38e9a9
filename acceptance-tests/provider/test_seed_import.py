"""Import by path: state is rebuilt from the image, and the matching config plans no changes."""

import shutil

SEED = """
resource "sarga_cloudinit_seed" "web" {
  hostname    = "web-01"
  user_data   = "#cloud-config\\npackages: [nginx]\\n"
  meta_data   = { zone = "lab" }
  network_config = "version: 2\\nethernets:\\n  eth0:\\n    dhcp4: true\\n"
  output_path = "./seed.iso"
}
"""

PARTS = """
resource "sarga_cloudinit_seed" "web" {
  gzip = true
  part {
    content_type = "text/cloud-config"
    filename     = "a.yaml"
    content      = "packages: [vim]\\n"
  }
  part {
    content_type = "text/x-shellscript"
    content      = "#!/bin/sh\\ntrue\\n"
  }
  output_path = "./seed.iso"
}
"""


def make_seed(make_workspace, hcl):
    origin = make_workspace("origin")
    origin.write(hcl)
    origin.init()
    origin.apply()
    return origin


def test_import_command(make_workspace):
    origin = make_seed(make_workspace, SEED)
    expected = origin.resources()["sarga_cloudinit_seed.web"]

    fresh = make_workspace("fresh")
    shutil.copy(origin.path / "seed.iso", fresh.path / "seed.iso")
    fresh.write(SEED)
    fresh.init()
    out = fresh.run("import", "-no-color", "-input=false", "sarga_cloudinit_seed.web", "./seed.iso").stdout
    assert "Import successful" in out
    imported = fresh.resources()["sarga_cloudinit_seed.web"]
    assert imported == expected
    fresh.assert_no_changes()


def test_import_block_with_parts_and_gzip(make_workspace):
    origin = make_seed(make_workspace, PARTS)
    expected = origin.resources()["sarga_cloudinit_seed.web"]

    fresh = make_workspace("fresh")
    shutil.copy(origin.path / "seed.iso", fresh.path / "seed.iso")
    fresh.write(PARTS + '\nimport {\n  to = sarga_cloudinit_seed.web\n  id = "./seed.iso"\n}\n')
    fresh.init()
    plan = fresh.plan(expect=2).stdout
    assert "1 to import, 0 to add, 0 to change, 0 to destroy" in plan, plan
    fresh.apply()
    assert fresh.resources()["sarga_cloudinit_seed.web"] == expected
    fresh.assert_no_changes()


def test_import_of_missing_file_fails(workspace):
    workspace.write(SEED)
    workspace.init()
    proc = workspace.run("import", "-no-color", "-input=false", "sarga_cloudinit_seed.web",
                         "./nope.iso", expect=1)
    assert "Cannot import non-existent remote object" in proc.stderr, proc.stderr


def test_import_of_a_non_seed_file_names_the_problem(workspace):
    (workspace.path / "seed.iso").write_text("not an image")
    workspace.write(SEED)
    workspace.init()
    proc = workspace.run("import", "-no-color", "-input=false", "sarga_cloudinit_seed.web",
                         "./seed.iso", expect=1)
    assert "Cannot read the seed image" in proc.stderr, proc.stderr
    assert "./seed.iso: not an ISO9660 image" in proc.stderr, proc.stderr
