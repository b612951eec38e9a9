"""/cluster/resources lags (pain point 4): pvestatd refreshes it every ~10 s, so a guest
created a moment ago is missing from it. A provider that checks existence there reports
"Provider produced inconsistent result after apply: root object now absent", or plans to
create the VM again. pve-sim serves a picture refreshed only every `resources_lag` seconds."""
from scenarios import guests, make_vm_template, state_instances, vmid_of

LAG = 120  # longer than the whole test: /cluster/resources never shows the new guests


def test_guest_created_and_read_at_once_does_not_vanish(pve_sim, pve_workspace):
    pve_sim.reset()
    make_vm_template(pve_sim, 9000, "golden")
    # Take the picture now (lag 0), then freeze it: it stays LAG seconds old at most.
    pve_sim.api("GET", "/cluster/resources")
    pve_sim.settings({"resources_lag": LAG})
    # Prove the picture really is stale for a new guest.
    upid = pve_sim.api("POST", "/nodes/pve2/qemu", vmid=777, name="probe", memory=256)
    assert pve_sim.wait_task(upid) == "OK"
    listed = {int(r["vmid"]) for r in pve_sim.api("GET", "/cluster/resources", type="vm")}
    assert 777 not in listed, "pve-sim did not lag: the scenario would prove nothing"
    assert pve_sim.wait_task(pve_sim.api("DELETE", "/nodes/pve2/qemu/777")) == "OK"

    ws = pve_workspace
    ws.write("""
    resource "sarga_vm" "fresh" {
      node        = "pve2"
      name        = "fresh"
      description = "created under a lagging /cluster/resources"
      started     = false
      memory      = { dedicated = 512 }
      disks       = { scsi0 = { storage = "local-lvm", size_gb = 1 } }
    }

    resource "sarga_vm" "cloned" {
      node    = "pve1"
      name    = "cloned"
      clone   = { source_vmid = 9000 }
      started = true
      tags    = ["lag", "Web"]
    }
    """)
    ws.init()
    ws.apply()
    inst = state_instances(ws)
    cluster = guests(pve_sim)
    for addr in ("sarga_vm.fresh", "sarga_vm.cloned"):
        vmid = vmid_of(inst[addr]["values"])
        assert vmid in cluster, f"{addr}: VM {vmid} missing on the cluster"
    listed = {int(r["vmid"]) for r in pve_sim.api("GET", "/cluster/resources", type="vm")}
    assert not {vmid_of(e["values"]) for e in inst.values()} & listed, "the lag ended too early"

    # Refresh at once: still there, nothing to do.
    ws.assert_no_changes()

    # An in-place update and a destroy right after, still with the stale picture.
    ws.write(ws.path.joinpath("main.tf").read_text().replace(
        "created under a lagging /cluster/resources", "updated while lagging"), with_provider=False)
    ws.apply()
    fresh = vmid_of(state_instances(ws)["sarga_vm.fresh"]["values"])
    cfg = pve_sim.api("GET", f"/nodes/pve2/qemu/{fresh}/config")
    assert cfg["description"].strip() == "updated while lagging"
    assert fresh == vmid_of(inst["sarga_vm.fresh"]["values"]), "the update replaced the VM"
    ws.assert_no_changes()

    ws.destroy()
    assert set(guests(pve_sim)) == {9000}


def test_data_sources_see_guests_made_moments_ago(pve_sim, pve_workspace):
    """The image pipeline has just made a VM template and tofu runs right after (pain 4 for
    lookups): /cluster/resources does not list it yet, the data sources must still find it."""
    pve_sim.reset()
    pve_sim.api("GET", "/cluster/resources")  # picture taken now, then frozen
    pve_sim.settings({"resources_lag": LAG})
    make_vm_template(pve_sim, 9100, "debian-12-cloud-20251122", node="pve2")
    upid = pve_sim.api("POST", "/nodes/pve3/qemu", vmid=321, name="db-1", memory=256, tags="db;prod")
    assert pve_sim.wait_task(upid) == "OK"
    listed = {int(r["vmid"]) for r in pve_sim.api("GET", "/cluster/resources", type="vm")}
    assert not {9100, 321} & listed, "pve-sim did not lag: the scenario would prove nothing"

    ws = pve_workspace
    ws.write("""
    data "sarga_template" "base" {
      kind       = "vm"
      name_regex = "^debian-12-cloud-"
    }

    data "sarga_vm" "db" {
      name = "db-1"
    }

    output "template" { value = [data.sarga_template.base.node, data.sarga_template.base.vmid] }
    output "db" { value = [data.sarga_vm.db.node, data.sarga_vm.db.vmid] }
    """)
    ws.init()
    ws.apply()
    out = ws.outputs()
    assert out["template"] == ["pve2", 9100], out
    assert out["db"] == ["pve3", 321], out
