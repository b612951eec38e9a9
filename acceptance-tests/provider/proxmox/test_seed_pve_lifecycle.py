"""sarga_cloudinit_seed in Proxmox mode with real tofu against pve-sim: upload through the API,
content-derived volume names, update in place (new volume, old one removed), drift when the
volume is deleted outside OpenTofu, import by node/volume id, errors."""
import hashlib
import re

from lxc_support import volumes


def seed_hcl(user_data, output_path=""):
    extra = f'\n  output_path = "{output_path}"' if output_path else ""
    return f"""
resource "sarga_cloudinit_seed" "web" {{
  hostname  = "web-01"
  user_data = "#cloud-config\\n{user_data}\\n"
  node      = "pve1"
  storage   = "local"{extra}
}}
output "volume_id" {{ value = sarga_cloudinit_seed.web.volume_id }}
"""


def isos(sim, node="pve1", storage="local"):
    return volumes(sim, node, storage, content="iso")


def uploads(sim, node="pve1"):
    """Upload (imgcopy) tasks the node has run so far."""
    return len([t for t in sim.api("GET", f"/nodes/{node}/tasks", limit=1000) if t["type"] == "imgcopy"])


def test_upload_update_drift_destroy(pve_sim, pve_workspace):
    ws = pve_workspace
    ws.write(seed_hcl("packages: [nginx]", output_path="./copy.iso"))
    ws.init()
    plan = ws.plan(expect=2).stdout
    assert re.search(r'volume_id\s+= "local:iso/sarga-seed-web-01-[0-9a-f]{16}\.iso"', plan), plan
    ws.apply()
    first = ws.outputs()["volume_id"]
    state = ws.resources()["sarga_cloudinit_seed.web"]
    assert first == f"local:iso/sarga-seed-web-01-{state['sha256'][:16]}.iso"
    assert state["id"] == f"pve1/{first}"
    stored = isos(pve_sim)
    assert first in stored and int(stored[first]["size"]) == state["size"]
    # The local copy holds the very bytes PVE got.
    assert hashlib.sha256((ws.path / "copy.iso").read_bytes()).hexdigest() == state["sha256"]
    ws.assert_no_changes()

    # New user data: an in-place update uploads a new volume and removes the old one.
    ws.write(seed_hcl("packages: [nginx, git]", output_path="./copy.iso"))
    plan = ws.plan(expect=2).stdout
    assert "1 to change, 0 to destroy" in plan, plan
    ws.apply()
    second = ws.outputs()["volume_id"]
    assert second != first
    stored = isos(pve_sim)
    assert second in stored and first not in stored
    ws.assert_no_changes()

    # Deleted outside OpenTofu: the plan uploads it again.
    upid = pve_sim.api("DELETE", f"/nodes/pve1/storage/local/content/{second}")
    if upid:
        assert pve_sim.wait_task(upid) == "OK"
    plan = ws.plan(expect=2).stdout
    assert "1 to add" in plan, plan
    ws.apply()
    assert second in isos(pve_sim)
    ws.assert_no_changes()

    ws.destroy()
    assert second not in isos(pve_sim)


def test_old_volume_in_use_is_kept_with_a_warning_then_removed(pve_sim, pve_workspace):
    ws = pve_workspace
    ws.write(seed_hcl("runcmd: [echo one]"))
    ws.init()
    ws.apply()
    first = ws.outputs()["volume_id"]
    # A VM attaches the seed as its cdrom (what sarga_vm's cloud_init.seed_volume does).
    upid = pve_sim.api("POST", "/nodes/pve1/qemu", vmid=4301, name="user", ide2=f"{first},media=cdrom")
    assert pve_sim.wait_task(upid) == "OK"
    ws.write(seed_hcl("runcmd: [echo two]"))
    proc = ws.apply()
    second = ws.outputs()["volume_id"]
    assert "Previous seed image kept for now" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert first in isos(pve_sim) and second in isos(pve_sim)
    ws.assert_no_changes()
    # Once the VM let go of it, the next apply of the seed removes it.
    pve_sim.api("PUT", "/nodes/pve1/qemu/4301/config", delete="ide2")
    ws.write(seed_hcl("runcmd: [echo three]"))
    ws.apply()
    stored = isos(pve_sim)
    assert first not in stored and second not in stored, sorted(stored)
    ws.destroy()
    upid = pve_sim.api("DELETE", "/nodes/pve1/qemu/4301")
    assert pve_sim.wait_task(upid) == "OK"


def test_import_by_volume_id(pve_sim, make_workspace, pve_env):
    origin = make_workspace("origin")
    origin.env = dict(origin.env, **pve_env)
    origin.write(seed_hcl("packages: [htop]"))
    origin.init()
    origin.apply()
    volid = origin.outputs()["volume_id"]
    expected = origin.resources()["sarga_cloudinit_seed.web"]
    uploads_before = uploads(pve_sim)
    assert uploads_before >= 1

    fresh = make_workspace("fresh")
    fresh.env = dict(fresh.env, **pve_env)
    fresh.write(seed_hcl("packages: [htop]") + f'\nimport {{\n  to = sarga_cloudinit_seed.web\n  id = "{volid}"\n}}\n')
    fresh.init()
    plan = fresh.plan(expect=2).stdout
    assert "1 to import" in plan, plan
    fresh.apply()
    assert fresh.resources()["sarga_cloudinit_seed.web"] == expected
    fresh.assert_no_changes()
    assert volid in isos(pve_sim)
    assert uploads(pve_sim) == uploads_before  # recording the import uploaded nothing

    origin.destroy()
    assert volid not in isos(pve_sim)
    fresh.write(seed_hcl("packages: [htop]"))
    fresh.run("state", "rm", "sarga_cloudinit_seed.web")
    proc = fresh.run("import", "-no-color", "-input=false", "sarga_cloudinit_seed.web", volid, expect=1)
    assert f"{volid} is on no online node" in proc.stderr, proc.stderr


def test_mode_errors(pve_sim, pve_workspace):
    ws = pve_workspace
    ws.write("""
resource "sarga_cloudinit_seed" "half" {
  user_data = "#cloud-config\\n{}\\n"
  node      = "pve1"
}
""")
    ws.init()
    proc = ws.plan(expect=1)
    assert "Incomplete Proxmox mode" in proc.stderr and "set node and storage together" in proc.stderr, proc.stderr
    ws.write("""
resource "sarga_cloudinit_seed" "nowhere" {
  user_data = "#cloud-config\\n{}\\n"
}
""")
    proc = ws.plan(expect=1)
    assert "Missing output_path" in proc.stderr, proc.stderr
    ws.write("""
resource "sarga_cloudinit_seed" "wrong" {
  user_data = "#cloud-config\\n{}\\n"
  node      = "pve1"
  storage   = "local-lvm"
}
""")
    proc = ws.apply(expect=1)
    assert "local-lvm" in proc.stderr, proc.stderr
