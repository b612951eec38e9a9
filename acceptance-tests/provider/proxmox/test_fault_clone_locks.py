"""Parallel clones under PVE's 1 s clone locks (pain points 1 and 2).

qemu-server locks the new VMID and the source for the whole clone, each with a 1 s timeout:
parallel clones that pick the same free VMID, or that clone a *running* source (exclusive
lock), fail with "can't lock file ... got timeout" unless the provider moves on / retries.
"""
import subprocess

from scenarios import guests, make_vm_template, orphans, state_instances, vmid_of

TEMPLATE = 9000


def clones_hcl(count, source, started="false", prefix="web"):
    return f"""
    resource "sarga_vm" "c" {{
      count   = {count}
      node    = "pve1"
      name    = "{prefix}-${{count.index}}"
      clone   = {{ source_vmid = {source} }}
      started = {started}
    }}
    """


def assert_clones_match_state(pve_sim, ws, count, prefix):
    inst = state_instances(ws)
    assert len(inst) == count, sorted(inst)
    cluster = guests(pve_sim)
    vmids = set()
    for addr, entry in inst.items():
        assert not entry["tainted"], f"{addr} is tainted"
        vmid = vmid_of(entry["values"])
        assert vmid not in vmids, f"two instances claim VMID {vmid}"
        vmids.add(vmid)
        assert vmid in cluster, f"{addr}: VM {vmid} is in the state but not on the cluster"
        index = int(addr.split("[")[1].rstrip("]"))
        assert cluster[vmid]["name"] == f"{prefix}-{index}", (addr, cluster[vmid])
        assert not cluster[vmid]["lock"], f"VM {vmid} still locked: {cluster[vmid]['lock']}"
    return vmids


def test_ten_parallel_clones_of_a_template_under_clone_locks(pve_sim, pve_workspace):
    pve_sim.reset()
    make_vm_template(pve_sim, TEMPLATE, "golden")
    # Clones take 0.3 s plus 1 s of extra lock hold: every clone that races for the same
    # VMID waits on lock-N.conf longer than PVE's 1 s and gets "got timeout".
    pve_sim.settings({"task_durations": {"qmclone": 0.3}, "clone_lock_timeout_ms": 1000})
    pve_sim.faults({"lock_hold": {"qmclone": 1.0}})

    ws = pve_workspace
    ws.write(clones_hcl(10, TEMPLATE))
    ws.init()
    ws.apply("-parallelism=10")
    vmids = assert_clones_match_state(pve_sim, ws, 10, "web")
    ws.assert_no_changes()

    stray, disks = orphans(pve_sim, vmids | {TEMPLATE})
    assert not stray and not disks, (stray, disks)

    ws.destroy()
    assert set(guests(pve_sim)) == {TEMPLATE}
    stray, disks = orphans(pve_sim, {TEMPLATE})
    assert not stray and not disks, (stray, disks)


def test_parallel_clones_of_a_running_vm_queue_on_the_exclusive_source_lock(pve_sim, pve_workspace):
    pve_sim.reset()
    # A running, non-template source: qemu-server takes its lock exclusively (1 s timeout)
    # for the whole clone, so concurrent clones of it collide at once.
    upid = pve_sim.api("POST", "/nodes/pve1/qemu", vmid=500, name="source", memory=512,
                       scsi0="local-lvm:1", net0="virtio,bridge=vmbr0", start=1)
    assert pve_sim.wait_task(upid) == "OK"
    pve_sim.settings({"task_durations": {"qmclone": 0.4}})
    pve_sim.faults({"lock_hold": {"qmclone": 0.8}})

    ws = pve_workspace
    ws.write(clones_hcl(4, 500, prefix="copy"))
    ws.init()
    ws.apply("-parallelism=10")
    vmids = assert_clones_match_state(pve_sim, ws, 4, "copy")
    ws.assert_no_changes()
    assert guests(pve_sim)[500]["status"] == "running"

    ws.destroy()
    assert set(guests(pve_sim)) == {500}
    stray, disks = orphans(pve_sim, {500})
    assert not stray and not disks, (stray, disks)
    assert not vmids & set(guests(pve_sim))


def test_two_tofu_processes_clone_the_same_running_vm(pve_sim, pve_workspace, make_workspace, pve_env):
    """Pain point 2 across processes: the in-process clone queue cannot help, so the clones
    that meet the exclusive source lock get "can't lock file ... got timeout" and must be
    retried with backoff until the other process's clone is done."""
    pve_sim.reset()
    upid = pve_sim.api("POST", "/nodes/pve1/qemu", vmid=500, name="source", memory=512,
                       scsi0="local-lvm:1", net0="virtio,bridge=vmbr0", start=1)
    assert pve_sim.wait_task(upid) == "OK"
    pve_sim.settings({"task_durations": {"qmclone": 0.4}})
    pve_sim.faults({"lock_hold": {"qmclone": 0.8}})

    first = pve_workspace
    second = make_workspace("second")
    second.env = dict(second.env, **pve_env)
    first.write(clones_hcl(3, 500, prefix="a"))
    second.write(clones_hcl(3, 500, prefix="b"))
    first.init()
    second.init()
    procs = [subprocess.Popen([str(ws.tofu), "apply", "-auto-approve", "-input=false", "-no-color",
                               "-parallelism=10"], cwd=ws.path, env=ws.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for ws in (first, second)]
    outs = [p.communicate(timeout=240)[0] for p in procs]
    for p, out in zip(procs, outs):
        assert p.returncode == 0, out
    a = assert_clones_match_state(pve_sim, first, 3, "a")
    b = assert_clones_match_state(pve_sim, second, 3, "b")
    assert not a & b
    first.assert_no_changes()
    second.assert_no_changes()
    first.destroy()
    second.destroy()
    assert set(guests(pve_sim)) == {500}
