"""A seed file deleted or edited outside tofu shows up in the next plan and apply repairs it."""

import hashlib

SEED = """
resource "sarga_cloudinit_seed" "web" {
  hostname    = "web-01"
  user_data   = "#cloud-config\\npackages: [nginx]\\n"
  output_path = "${path.module}/seed.iso"
}
"""


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_deleted_file_is_recreated(workspace):
    workspace.write(SEED)
    workspace.init()
    workspace.apply()
    iso = workspace.path / "seed.iso"
    original = sha(iso)
    iso.unlink()

    plan = workspace.plan(expect=2).stdout
    assert "sarga_cloudinit_seed.web will be created" in plan, plan
    workspace.apply()
    assert sha(iso) == original
    workspace.assert_no_changes()


def test_edited_file_is_rewritten(workspace):
    workspace.write(SEED)
    workspace.init()
    workspace.apply()
    iso = workspace.path / "seed.iso"
    original = sha(iso)
    data = bytearray(iso.read_bytes())
    data[-10] ^= 0xFF  # corrupt a byte of a file's content
    iso.write_bytes(bytes(data))
    edited = sha(iso)

    plan = workspace.plan(expect=2).stdout
    assert "will be updated in-place" in plan, plan
    assert f'"{edited}" -> "{original}"' in plan, plan
    workspace.apply()
    assert sha(iso) == original
    workspace.assert_no_changes()
