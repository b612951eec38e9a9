"""Every example under examples/ that uses the seed or the function applies cleanly."""

import shutil

import pytest

from sarga_tofu import REPO, iso_files, iso_volume_id


def apply_example(make_workspace, name):
    ws = make_workspace(name)
    shutil.copytree(REPO / "examples" / name, ws.path, dirs_exist_ok=True)
    ws.init()
    ws.apply()
    ws.assert_no_changes()
    return ws


def test_cloudinit_seed_example(make_workspace):
    ws = apply_example(make_workspace, "cloudinit-seed")
    iso = ws.path / "web-01-seed.iso"
    assert iso_volume_id(iso) == "cidata"
    files = iso_files(iso)
    assert b'filename="base.yaml"' in files["user-data"]
    assert b'filename="enable-nginx.sh"' in files["user-data"]
    assert b"192.0.2.10/24" in files["network-config"]
    assert b'availability-zone: "rack-1"' in files["meta-data"]
    assert ws.outputs()["instance_id"].startswith("iid-")
    ws.destroy()
    assert not iso.exists()


def test_cloudinit_userdata_example(make_workspace):
    ws = apply_example(make_workspace, "cloudinit-userdata")
    user_data = ws.outputs()["user_data"]
    assert user_data.startswith("#cloud-config\npackage_update: true\npackages:\n  - nginx\n")
    assert "runcmd:\n  - - systemctl\n" in user_data
    assert iso_files(ws.path / "web-02-seed.iso")["user-data"].decode() == user_data
    ws.destroy()


@pytest.mark.parametrize("name", ["cloudinit-seed", "cloudinit-userdata"])
def test_example_is_self_contained(name):
    main = (REPO / "examples" / name / "main.tf").read_text()
    assert 'source = "sarga/sarga"' in main
