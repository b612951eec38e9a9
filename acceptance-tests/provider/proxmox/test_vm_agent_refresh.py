"""Refresh of a running VM with the guest agent (issue 5): GET config + GET status/current
only, while the VM still runs the boot its addresses were read in; after a restart the agent
is asked once more, then refreshes are back to two calls."""
import re

VM = """
resource "sarga_vm" "a" {
  node    = "pve2"
  name    = "agent-refresh"
  disks   = { scsi0 = { storage = "local-lvm", size_gb = 1 } }
  network = { net0 = { bridge = "vmbr0" } }
  agent   = { enabled = true, wait_for_ip = { timeout = "30s", family = "ipv4" } }
}
"""


def refresh_calls(ws, vmid):
    """Runs a refresh that saves the state (and the private boot mark); returns the paths
    under /qemu/<vmid> the provider called, sorted."""
    proc = ws.apply("-refresh-only", env={"TF_LOG": "debug"})
    calls = re.findall(r"(GET|POST|PUT|DELETE) https://[^/]+/api2/json(\S+) ->", proc.stderr)
    assert calls, proc.stderr[-3000:]
    return sorted(path.rsplit(f"/qemu/{vmid}", 1)[1] for _, path in calls if f"/qemu/{vmid}/" in path)


def test_vm_refresh_asks_the_agent_only_after_a_restart(pve_sim, pve_workspace):
    pve_sim.reset()
    pve_sim.settings({"agent_boot_delay": 0})
    ws = pve_workspace
    ws.write(VM)
    ws.init()
    ws.apply()
    st = ws.resources()["sarga_vm.a"]
    vmid = st["vmid"]
    assert st["ipv4_addresses"], st  # waited for at create

    two = ["/config", "/status/current"]
    with_agent = ["/agent/network-get-interfaces", "/config", "/status/current"]
    assert refresh_calls(ws, vmid) == two
    assert refresh_calls(ws, vmid) == two
    assert ws.resources()["sarga_vm.a"]["ipv4_addresses"] == st["ipv4_addresses"]

    # Restarted behind tofu's back: a new QEMU process, addresses may have changed.
    path = f"/nodes/pve2/qemu/{vmid}/status"
    assert pve_sim.wait_task(pve_sim.api("POST", f"{path}/stop")) == "OK"
    assert pve_sim.wait_task(pve_sim.api("POST", f"{path}/start")) == "OK"
    assert refresh_calls(ws, vmid) == with_agent
    assert ws.resources()["sarga_vm.a"]["ipv4_addresses"] == st["ipv4_addresses"]
    assert refresh_calls(ws, vmid) == two

    # Stopped: no agent call, no addresses; started again: the agent is asked once.
    assert pve_sim.wait_task(pve_sim.api("POST", f"{path}/stop")) == "OK"
    assert refresh_calls(ws, vmid) == two
    assert ws.resources()["sarga_vm.a"]["ipv4_addresses"] == []
    assert pve_sim.wait_task(pve_sim.api("POST", f"{path}/start")) == "OK"
    assert refresh_calls(ws, vmid) == with_agent
    assert ws.resources()["sarga_vm.a"]["ipv4_addresses"] == st["ipv4_addresses"]
    ws.destroy()
