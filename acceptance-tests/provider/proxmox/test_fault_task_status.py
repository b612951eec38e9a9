"""Task waits under PVE's quirks: the status endpoint answers 400 "no such task" for a moment
after a task starts (the task file does not exist yet), and tasks may end `WARNINGS: n`,
which is a success. A waiter that treats either as a failure breaks applies."""
from scenarios import guests, make_vm_template, orphans, state_instances, vmid_of

HCL = """
resource "sarga_vm" "w" {
  count   = 3
  node    = "pve1"
  name    = "w-${count.index}"
  clone   = { source_vmid = 9000 }
  started = true
}
"""


def test_task_status_400_window_is_tolerated(pve_sim, pve_workspace):
    pve_sim.reset()
    make_vm_template(pve_sim, 9000, "golden")
    # Every task answers 400 for its first 0.6 s and runs 0.8 s: the first polls hit the window.
    pve_sim.settings({"all_tasks": 0.8})
    pve_sim.faults({"task_status_400_window": 0.6})

    ws = pve_workspace
    ws.write(HCL)
    ws.init()
    ws.apply()
    inst = state_instances(ws)
    cluster = guests(pve_sim)
    vmids = {vmid_of(e["values"]) for e in inst.values()}
    assert len(vmids) == 3
    for vmid in vmids:
        assert cluster[vmid]["status"] == "running", cluster[vmid]
    ws.assert_no_changes()
    ws.destroy()
    assert set(guests(pve_sim)) == {9000}
    stray, disks = orphans(pve_sim, {9000})
    assert not stray and not disks


def test_task_warnings_are_a_success(pve_sim, pve_workspace):
    pve_sim.reset()
    make_vm_template(pve_sim, 9000, "golden")
    pve_sim.faults({"tasks": [{"type": "^qmstart$", "warnings": 2},
                              {"type": "^qmclone$", "warnings": 1}]})
    ws = pve_workspace
    ws.write(HCL)
    ws.init()
    proc = ws.apply()
    inst = state_instances(ws)
    assert len(inst) == 3 and not any(e["tainted"] for e in inst.values())
    cluster = guests(pve_sim)
    assert all(cluster[vmid_of(e["values"])]["status"] == "running" for e in inst.values())
    # The warnings reach the user as tofu warnings, with the task's own WARN lines.
    text = " ".join(proc.stdout.split())
    assert text.count("Warning: Proxmox VE warnings while") >= 6, proc.stdout  # 3 clones + 3 starts
    assert "ended with WARNINGS: 2." in text and "WARN: simulated warning 2" in text, proc.stdout
    ws.assert_no_changes()
    ws.destroy()
