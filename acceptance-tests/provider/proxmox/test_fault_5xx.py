"""Transient 5xx bursts and dropped connections on idempotent calls (reads, task polls,
VMID checks): retried with backoff, so apply, refresh and destroy still succeed. The plan is
seeded, so a given request sequence always fails the same way."""
from scenarios import guests, make_vm_template, orphans, state_instances, upload_vztmpl, vmid_of

GET_CONFIG = r"^/nodes/[^/]+/(qemu|lxc)/\d+/config$"
GET_STATUS = r"^/nodes/[^/]+/(qemu|lxc)/\d+/status/current$"
TASK_STATUS = r"^/nodes/[^/]+/tasks/[^/]+/status$"

FLAKY_READS = {
    "seed": 20251122,
    "requests": [
        # A burst: the first three config reads in a row fail, then every fifth or so.
        {"path": GET_CONFIG, "method": "GET", "status": 503, "message": "service unavailable", "max_hits": 3},
        {"path": GET_CONFIG, "method": "GET", "rate": 0.2, "status": 502, "message": "bad gateway"},
        {"path": GET_STATUS, "method": "GET", "rate": 0.25, "status": 503, "message": "pveproxy busy"},
        {"path": TASK_STATUS, "method": "GET", "rate": 0.2, "status": 503, "message": "busy"},
        {"path": "^/cluster/(nextid|resources)$", "method": "GET", "rate": 0.3, "status": 504,
         "message": "gateway timeout"},
        {"path": GET_STATUS, "method": "GET", "kind": "drop", "rate": 0.1},
    ],
}

HCL = """
resource "sarga_vm" "f" {
  count   = 4
  node    = "pve${count.index % 3 + 1}"
  name    = "flaky-${count.index}"
  started = false
  memory  = { dedicated = 512 }
  disks   = { scsi0 = { storage = "local-lvm", size_gb = 1 } }
}

resource "sarga_vm" "clone" {
  node    = "pve1"
  name    = "flaky-clone"
  clone   = { source_vmid = 9000 }
  started = true
}

resource "sarga_lxc" "ct" {
  node     = "pve2"
  hostname = "flaky-ct"
  template = "local:vztmpl/debian-12-hardened_1.0_amd64.tar.gz"
  rootfs   = { storage = "local-lvm", size_gb = 2 }
  network  = { eth0 = { bridge = "vmbr0", ipv4 = "dhcp" } }
}
"""


def test_5xx_bursts_on_idempotent_calls(pve_sim, pve_workspace):
    pve_sim.reset()
    make_vm_template(pve_sim, 9000, "golden")
    upload_vztmpl(pve_sim, "pve2", "local", "debian-12-hardened_1.0_amd64.tar.gz")
    pve_sim.faults(FLAKY_READS)

    ws = pve_workspace
    ws.write(HCL)
    ws.init()
    ws.apply("-parallelism=5")
    inst = state_instances(ws)
    assert len(inst) == 5
    inst.update(state_instances(ws, "sarga_lxc"))
    assert len(inst) == 6
    vmids = {vmid_of(e["values"]) for e in inst.values()}
    cluster = guests(pve_sim)
    assert vmids <= set(cluster)
    assert sum(1 for v in vmids if cluster[v]["name"].startswith("flaky-")) == 6

    # Refresh under the same faults: nothing changes, nothing errors.
    pve_sim.faults(FLAKY_READS)
    ws.assert_no_changes()
    ws.assert_no_changes()

    pve_sim.faults(FLAKY_READS)
    ws.destroy()
    pve_sim.clear_faults()
    assert set(guests(pve_sim)) == {9000}
    stray, disks = orphans(pve_sim, {9000})
    assert not stray and not disks, (stray, disks)


def test_5xx_on_a_create_is_not_blindly_repeated(pve_sim, pve_workspace):
    """A POST create answered 500 may or may not have happened: the provider must not
    create a second VM behind the user's back. Here the 500 comes before PVE did anything,
    so tofu either retries safely (one VM) or fails cleanly (no VM); never two."""
    pve_sim.reset()
    pve_sim.faults({"requests": [{"path": r"^/nodes/pve1/qemu$", "method": "POST", "status": 500,
                                  "message": "unexpected server error", "max_hits": 1}]})
    ws = pve_workspace
    ws.write("""
    resource "sarga_vm" "once" {
      node    = "pve1"
      name    = "once"
      started = false
    }
    """)
    ws.init()
    proc = ws.apply(expect=None)
    named = [v for v, g in guests(pve_sim).items() if g["name"] == "once"]
    assert len(named) <= 1, named
    if proc.returncode != 0:
        assert "unexpected server error" in proc.stderr, proc.stderr
        assert not named
        pve_sim.clear_faults()
        ws.apply()
    named = [v for v, g in guests(pve_sim).items() if g["name"] == "once"]
    assert len(named) == 1
    assert vmid_of(state_instances(ws)["sarga_vm.once"]["values"]) == named[0]
    ws.assert_no_changes()
    ws.destroy()
    assert not guests(pve_sim)
