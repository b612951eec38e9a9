"""Importing a VM made outside tofu (`import { id = "node/vmid" }`) and then an empty plan
for the HCL that describes it; HA/manual migration shows as node drift (pain point 15),
a VM deleted outside tofu is planned again, and the sarga_vm data source."""
from scenarios import guests

IMPORT = """
import {
  to = sarga_vm.legacy
  id = "pve2/410"
}
"""

MATCHING = """
resource "sarga_vm" "legacy" {
  node        = "pve2"
  vmid        = 410
  name        = "legacy"
  description = "made by hand"
  tags        = ["old", "db"]
  pool        = "ops"
  cpu         = { cores = 4, sockets = 1, type = "host" }
  memory      = { dedicated = 4096, balloon = 1024 }
  disks = {
    scsi0 = { storage = "local-lvm", size_gb = 8, ssd = true }
    scsi1 = { storage = "local-lvm", size_gb = 16, backup = false }
  }
  network = {
    net0 = { bridge = "vmbr0", vlan = 30, mac = "BC:24:11:12:34:56" }
  }
  cloud_init = {
    interface   = "ide2"
    user        = "admin"
    ipconfig    = { net0 = { ipv4 = "192.168.30.10/24", gateway4 = "192.168.30.1" } }
    dns_servers = ["9.9.9.9"]
  }
  agent    = { enabled = true }
  on_boot  = true
  started  = true
}
"""


def make_legacy(sim):
    sim.api("POST", "/pools", poolid="ops")
    upid = sim.api("POST", "/nodes/pve2/qemu", vmid=410, name="legacy", description="made by hand",
                   tags="old;db", pool="ops", cores=4, sockets=1, cpu="host", memory=4096, balloon=1024,
                   scsi0="local-lvm:8,ssd=1", scsi1="local-lvm:16,backup=0",
                   net0="virtio=BC:24:11:12:34:56,bridge=vmbr0,tag=30", ide2="local-lvm:cloudinit",
                   ciuser="admin", ipconfig0="ip=192.168.30.10/24,gw=192.168.30.1", nameserver="9.9.9.9",
                   agent="1", onboot=1, start=1)
    assert sim.wait_task(upid) == "OK"


def test_vm_import_then_empty_plan(pve_sim, pve_workspace):
    pve_sim.reset()
    make_legacy(pve_sim)
    ws = pve_workspace
    ws.write(IMPORT + MATCHING)
    ws.init()
    plan = ws.plan(expect=None)
    assert plan.returncode in (0, 2), plan.stderr
    assert "1 to import, 0 to add, 0 to change, 0 to destroy" in plan.stdout, plan.stdout
    ws.apply()
    st = ws.resources()["sarga_vm.legacy"]
    assert st["id"] == "pve2/410" and st["disks"]["scsi1"]["size_gb"] == 16
    ws.assert_no_changes()
    # tofu import on a fresh state gives the same result.
    assert sorted(st["tags"]) == ["db", "old"]


def test_vm_migrated_outside_tofu_shows_node_drift(pve_sim, pve_workspace):
    """Pain point 15: after an HA or manual migration the VM is found on its new node (one
    cluster index lookup); the plan stops with an error naming the new node instead of
    re-creating the VM, and a config updated to the new node plans nothing."""
    pve_sim.reset()
    make_legacy(pve_sim)
    ws = pve_workspace
    ws.write(IMPORT + MATCHING)
    ws.init()
    ws.apply()
    # Migrate behind tofu's back: move the guest and its (local) disks to pve3.
    snap = pve_sim.snapshot()
    for g in snap["guests"]:
        if int(g["vmid"]) == 410:
            g["node"] = "pve3"
    vols = snap["volumes"]
    vols.setdefault("pve3/local-lvm", []).extend(vols.pop("pve2/local-lvm", []))
    r = pve_sim.session.post(pve_sim.url + "/_sim/restore", json=snap, timeout=30)
    assert r.status_code == 200, r.text
    assert guests(pve_sim)[410]["node"] == "pve3"
    plan = ws.plan(expect=1)
    assert "VM runs on another node" in plan.stderr, plan.stderr
    assert 'Set node = "pve3"' in " ".join(plan.stderr.split()), plan.stderr
    assert guests(pve_sim)[410]["node"] == "pve3"
    ws.write(MATCHING.replace('node        = "pve2"', 'node        = "pve3"'))
    ws.assert_no_changes()
    ws.destroy()
    assert 410 not in guests(pve_sim)


def test_vm_deleted_outside_tofu_is_planned_again(pve_sim, pve_workspace):
    pve_sim.reset()
    ws = pve_workspace
    ws.write("""
    resource "sarga_vm" "gone" {
      node    = "pve1"
      vmid    = 130
      started = false
      disks   = { scsi0 = { storage = "local-lvm", size_gb = 1 } }
    }
    """)
    ws.init()
    ws.apply()
    pve_sim.wait_task(pve_sim.api("DELETE", "/nodes/pve1/qemu/130", purge=1))
    plan = ws.plan(expect=2)
    assert "1 to add" in plan.stdout, plan.stdout
    ws.apply()
    assert 130 in guests(pve_sim)
    ws.destroy()


def test_vm_data_source(pve_sim, pve_workspace):
    pve_sim.reset()
    make_legacy(pve_sim)
    ws = pve_workspace
    ws.write("""
    data "sarga_vm" "by_id" { vmid = 410 }
    data "sarga_vm" "by_name" { name = "legacy" }
    output "by_id" { value = data.sarga_vm.by_id }
    output "by_name" { value = data.sarga_vm.by_name.id }
    """)
    ws.init()
    ws.apply()
    out = ws.outputs()
    assert out["by_id"]["node"] == "pve2" and out["by_id"]["name"] == "legacy"
    assert out["by_id"]["status"] == "running" and out["by_id"]["pool"] == "ops"
    assert sorted(out["by_id"]["all_tags"]) == ["db", "old"]
    assert out["by_name"] == "pve2/410"
    ws.write('data "sarga_vm" "x" { name = "nope" }')
    proc = ws.plan(expect=1)
    assert "No VM found" in proc.stderr, proc.stderr
