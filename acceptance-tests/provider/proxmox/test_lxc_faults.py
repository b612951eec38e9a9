"""sarga_lxc under faults with real tofu: 5xx bursts on reads and the task-status 400 window are
ridden out; a create task that fails leaves nothing behind and the next apply succeeds; parallel
creates never collide on VMIDs."""
from lxc_support import upload_vztmpl
from scenarios import guests

HCL = """
resource "sarga_lxc" "ct" {{
  count    = {count}
  node     = "pve{node}"
  hostname = "ct-${{count.index}}"
  template = "{template}"
  rootfs   = {{ storage = "nfs", size_gb = 1 }}
  network  = {{ eth0 = {{ bridge = "vmbr0", ipv4 = "dhcp" }} }}
  started  = {started}
}}
"""


def test_reads_survive_5xx_and_task_400_window(pve_sim, pve_workspace):
    ws = pve_workspace
    template = upload_vztmpl(pve_sim, "faults.tar.gz", storage="nfs")
    pve_sim.faults({
        "seed": 11,
        "requests": [
            {"path": "^/nodes/[^/]+/lxc/\\d+/(config|status/current)$", "method": "GET", "rate": 0.4,
             "status": 503, "message": "service busy"},
        ],
        "task_status_400_window": 0.3,
    })
    ws.write(HCL.format(count=3, node=1, template=template, started="true"))
    ws.init()
    ws.apply()
    ws.assert_no_changes()
    made = [g for g in guests(pve_sim).values() if g["kind"] == "lxc" and (g["name"] or "").startswith("ct-")]
    assert len(made) == 3 and all(g["status"] == "running" for g in made), made
    pve_sim.clear_faults()
    ws.destroy()


def test_failed_create_task_leaves_nothing_and_retry_works(pve_sim, pve_workspace):
    ws = pve_workspace
    template = upload_vztmpl(pve_sim, "faults2.tar.gz", storage="nfs")
    before = set(guests(pve_sim))
    pve_sim.faults({"tasks": [{"type": "^vzcreate$", "error": "unable to create CT - simulated failure"}]})
    ws.write(HCL.format(count=1, node=2, template=template, started="false"))
    ws.init()
    proc = ws.apply(expect=1)
    text = " ".join(proc.stderr.split())
    assert "simulated failure" in text, text
    assert set(guests(pve_sim)) == before  # PVE undid the create: nothing orphaned
    pve_sim.clear_faults()
    ws.apply()
    ws.assert_no_changes()
    assert len(set(guests(pve_sim)) - before) == 1
    ws.destroy()
    assert set(guests(pve_sim)) == before


def test_parallel_creates_get_distinct_vmids(pve_sim, pve_workspace):
    ws = pve_workspace
    template = upload_vztmpl(pve_sim, "parallel.tar.gz", storage="nfs")
    ws.write(HCL.format(count=8, node=3, template=template, started="false"))
    ws.init()
    ws.apply("-parallelism=8")
    vmids = [r["vmid"] for r in ws.resources().values()]
    assert len(vmids) == 8 and len(set(vmids)) == 8, vmids
    ws.assert_no_changes()
    ws.destroy()
