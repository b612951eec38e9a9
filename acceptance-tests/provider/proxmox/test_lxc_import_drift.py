"""sarga_lxc import by node/vmid (onboarding a container made by hand), drift made outside
OpenTofu, protection, and errors that name what is wrong."""
from lxc_support import ct_config, make_ct, upload_vztmpl


def imported_hcl(template, vmid, memory=512):
    return f"""
resource "sarga_lxc" "old" {{
  node     = "pve1"
  vmid     = {vmid}
  hostname = "legacy"
  template = "{template}"
  memory   = {memory}
  rootfs   = {{ storage = "local-lvm", size_gb = 2 }}
  network  = {{ eth0 = {{ bridge = "vmbr0", ipv4 = "dhcp" }} }}
  tags     = ["Legacy"]
  started  = false
}}
"""


def test_import_by_node_and_vmid(pve_sim, pve_workspace):
    ws = pve_workspace
    template = make_ct(pve_sim, 4101, hostname="legacy", tags="legacy")
    ws.write(imported_hcl(template, 4101) + '\nimport {\n  to = sarga_lxc.old\n  id = "pve1/4101"\n}\n')
    ws.init()
    plan = ws.plan(expect=2).stdout
    assert "1 to import, 0 to add" in plan and "0 to destroy" in plan, plan
    ws.apply()
    state = ws.resources()["sarga_lxc.old"]
    assert state["id"] == "pve1/4101" and state["vmid"] == 4101
    assert state["network"]["eth0"]["mac"]
    assert state["unprivileged"] is True
    ws.assert_no_changes()

    # Drift: memory changed in the web UI -> an in-place update puts it back.
    pve_sim.api("PUT", "/nodes/pve1/lxc/4101/config", memory=2048)
    plan = ws.plan(expect=2).stdout
    assert "1 to change" in plan and "memory" in plan, plan
    ws.apply()
    assert int(ct_config(pve_sim, "pve1", 4101)["memory"]) == 512
    ws.assert_no_changes()

    # Deleted outside OpenTofu: the next plan creates it again.
    upid = pve_sim.api("DELETE", "/nodes/pve1/lxc/4101", purge=1)
    assert pve_sim.wait_task(upid) == "OK"
    plan = ws.plan(expect=2).stdout
    assert "1 to add" in plan, plan


def test_import_errors_are_clear(pve_sim, pve_workspace):
    ws = pve_workspace
    template = upload_vztmpl(pve_sim, "import-errors.tar.gz")
    ws.write(imported_hcl(template, 4102))
    ws.init()
    proc = ws.run("import", "-no-color", "-input=false", "sarga_lxc.old", "4102", expect=1)
    assert "import sarga_lxc by node/vmid" in proc.stderr, proc.stderr
    proc = ws.run("import", "-no-color", "-input=false", "sarga_lxc.old", "pve1/4102", expect=1)
    assert "Cannot import non-existent remote object" in proc.stderr, proc.stderr


def test_protected_container_is_not_destroyed(pve_sim, pve_workspace):
    ws = pve_workspace
    template = upload_vztmpl(pve_sim, "protected.tar.gz", node="pve2")
    body = """
resource "sarga_lxc" "p" {
  node       = "pve2"
  template   = "TEMPLATE"
  rootfs     = { storage = "local-lvm", size_gb = 1 }
  protection = PROTECTION
  started    = false
}
""".replace("TEMPLATE", template)
    ws.write(body.replace("PROTECTION", "true"))
    ws.init()
    ws.apply()
    vmid = ws.resources()["sarga_lxc.p"]["vmid"]
    proc = ws.destroy(expect=1)
    assert "has protection enabled: set protection = false" in proc.stderr, proc.stderr
    ws.write(body.replace("PROTECTION", "false"))
    ws.apply()
    ws.assert_no_changes()
    ws.destroy()
    assert all(int(c["vmid"]) != vmid for c in pve_sim.api("GET", "/nodes/pve2/lxc"))


def test_taken_vmid_is_a_clear_error(pve_sim, pve_workspace):
    ws = pve_workspace
    template = make_ct(pve_sim, 4103, hostname="squatter")
    ws.write(f"""
resource "sarga_lxc" "new" {{
  node     = "pve1"
  vmid     = 4103
  template = "{template}"
  rootfs   = {{ storage = "local-lvm", size_gb = 1 }}
  started  = false
}}
""")
    ws.init()
    proc = ws.apply(expect=1)
    text = " ".join(proc.stderr.split())
    assert "4103" in text and "already exists" in text, text
    assert "sarga_lxc.new" in text, text
    assert ws.run("state", "list", expect=None).stdout.strip() == ""  # nothing half-made in the state
    assert ct_config(pve_sim, "pve1", 4103)["hostname"] == "squatter"  # the existing CT is untouched
