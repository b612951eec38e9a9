"""The guest agent never slows a refresh and its wait is bounded at create; reads never
depend on the lagging /cluster/resources; timeouts and task failures after the VM exists
leave it in the state (tainted) and nothing orphaned. Pain points 4, 5, 6, 24."""
import time

from scenarios import guests, orphans, state_instances

AGENT_VM = """
resource "sarga_vm" "a" {{
  node    = "pve1"
  vmid    = 150
  name    = "agent-vm"
  disks   = {{ scsi0 = {{ storage = "local-lvm", size_gb = 1 }} }}
  network = {{ net0 = {{ bridge = "vmbr0" }} }}
  agent   = {{ enabled = true{wait} }}
{extra}
}}
"""


def test_vm_pain4_reads_never_use_cluster_resources(pve_sim, pve_workspace):
    """Pain point 4: /cluster/resources lags (and here fails outright); create, the read
    after it and refresh go to the VM's node, so the VM is never 'absent after apply'."""
    pve_sim.reset()
    pve_sim.settings({"resources_lag": 60})
    pve_sim.faults({"requests": [{"path": "^/cluster/resources", "status": 500, "message": "pvestatd is slow"}]})
    ws = pve_workspace
    ws.write(AGENT_VM.format(wait="", extra=""))
    ws.init()
    ws.apply()
    ws.assert_no_changes()
    ws.destroy()


def test_vm_pain5_refresh_does_not_wait_for_a_missing_agent(pve_sim, pve_workspace):
    pve_sim.reset()
    pve_sim.settings({"agent_boot_delay": 600})  # the agent never answers during this test
    ws = pve_workspace
    ws.write(AGENT_VM.format(wait="", extra=""))
    ws.init()
    ws.apply()
    start = time.monotonic()
    ws.assert_no_changes()
    took = time.monotonic() - start
    assert took < 15, f"plan took {took:.1f}s with a silent agent"
    assert ws.resources()["sarga_vm.a"]["ipv4_addresses"] == []
    # Pain point 24: agent enabled but absent must not block destroy (hard stop).
    start = time.monotonic()
    ws.destroy()
    assert time.monotonic() - start < 20
    assert 150 not in guests(pve_sim)


def test_vm_pain6_wait_for_ip_is_bounded(pve_sim, pve_workspace):
    pve_sim.reset()
    pve_sim.settings({"agent_boot_delay": 600})
    ws = pve_workspace
    ws.write(AGENT_VM.format(wait=', wait_for_ip = { timeout = "3s" }', extra=""))
    ws.init()
    start = time.monotonic()
    proc = ws.apply()
    took = time.monotonic() - start
    assert took < 30, f"apply took {took:.1f}s for a 3s wait"
    assert "No IP address from the guest agent" in proc.stdout + proc.stderr
    assert not state_instances(ws)["sarga_vm.a"]["tainted"]
    ws.destroy()

    # An agent that comes up after 1 s: create waits and records its address.
    pve_sim.settings({"agent_boot_delay": 1})
    ws.write(AGENT_VM.format(wait=', wait_for_ip = { timeout = "30s", family = "ipv4" }', extra=""))
    ws.apply()
    st = ws.resources()["sarga_vm.a"]
    assert st["ipv4_addresses"] and not st["ipv4_addresses"][0].startswith("127."), st
    # A refresh once the agent runs reads the addresses with one call.
    ws.run("refresh", "-no-color")
    assert ws.resources()["sarga_vm.a"]["ipv4_addresses"] == st["ipv4_addresses"]
    ws.destroy()


def test_vm_task_failure_after_create_taints_and_nothing_is_orphaned(pve_sim, pve_workspace):
    pve_sim.reset()
    pve_sim.faults({"tasks": [{"type": "^qmstart$", "error": "start failed: simulated"}]})
    ws = pve_workspace
    ws.write(AGENT_VM.format(wait="", extra=""))
    ws.init()
    proc = ws.apply(expect=1)
    assert "start failed: simulated" in proc.stderr, proc.stderr
    inst = state_instances(ws)["sarga_vm.a"]
    assert inst["tainted"] and inst["values"]["id"] == "pve1/150"
    assert 150 in guests(pve_sim)
    pve_sim.clear_faults()
    plan = ws.plan(expect=2).stdout
    assert "must be replaced" in plan or "tainted" in plan, plan
    ws.apply()
    assert not state_instances(ws)["sarga_vm.a"]["tainted"]
    stray, disks = orphans(pve_sim, {150})
    assert not stray and not disks, (stray, disks)
    ws.destroy()


def test_vm_create_timeout_is_honoured(pve_sim, pve_workspace):
    pve_sim.reset()
    pve_sim.settings({"task_durations": {"qmstart": 30}})
    ws = pve_workspace
    ws.write(AGENT_VM.format(wait="", extra='  timeouts = { create = "2s" }'))
    ws.init()
    start = time.monotonic()
    proc = ws.apply(expect=1)
    took = time.monotonic() - start
    assert took < 20, f"a 2s create timeout took {took:.1f}s"
    assert "pve1" in proc.stderr and ("timeout" in proc.stderr.lower() or "did not finish" in proc.stderr), proc.stderr
    inst = state_instances(ws)["sarga_vm.a"]
    assert inst["tainted"], inst
    pve_sim.settings({"task_durations": {"qmstart": 0.05}})
    time.sleep(1)


def test_vm_refresh_reads_each_vm_with_two_calls(pve_sim, pve_workspace):
    """Pain points 4 and 5: a refresh reads each VM with GET config + GET status/current only
    (no /cluster/resources, no agent wait; stopped VMs need no agent call)."""
    import re
    pve_sim.reset()
    ws = pve_workspace
    ws.write("""
    resource "sarga_vm" "n" {
      count   = 3
      node    = "pve${count.index + 1}"
      started = false
      agent   = { enabled = true }
      disks   = { scsi0 = { storage = "local-lvm", size_gb = 1 } }
    }
    """)
    ws.init()
    ws.apply()
    proc = ws.run("plan", "-refresh-only", "-no-color", "-input=false", env={"TF_LOG": "debug"})
    calls = re.findall(r"(GET|POST|PUT|DELETE) https://[^/]+/api2/json(\S+) ->", proc.stderr)
    assert calls, proc.stderr[-3000:]
    vmids = {str(ws.resources()[f"sarga_vm.n[{i}]"]["vmid"]) for i in range(3)}
    per_vm = {v: sorted(path.rsplit(v, 1)[1] for m, path in calls if f"/qemu/{v}/" in path) for v in vmids}
    for v, paths in per_vm.items():
        assert paths == ["/config", "/status/current"], (v, paths)
    others = [c for c in calls if not any(f"/qemu/{v}/" in c[1] for v in vmids)]
    assert not others, others
