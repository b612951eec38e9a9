"""Ctrl-C during apply: tofu stops the provider (StopProvider) and waits for the operations
in flight. The provider must give up its waits promptly, record every VM it already made
(tainted if unfinished), so the state matches the cluster; a second apply converges."""
import os
import signal
import subprocess
import threading
import time

from scenarios import guests, make_vm_template, state_instances, vmid_of, wait_until

COUNT = 6
CLONE_SECONDS = 12.0
HCL = f"""
resource "sarga_vm" "slow" {{
  count   = {COUNT}
  node    = "pve1"
  name    = "slow-${{count.index}}"
  clone   = {{ source_vmid = 9000 }}
  started = false
}}
"""


def start_apply(ws):
    # A new session, so the signal goes to tofu and the provider like a terminal's Ctrl-C.
    proc = subprocess.Popen([str(ws.tofu), "apply", "-auto-approve", "-input=false", "-no-color",
                             "-parallelism=3"], cwd=ws.path, env=ws.env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []

    def pump():
        for line in proc.stdout:
            lines.append(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    return proc, lines, reader


def test_sigint_during_apply_leaves_a_consistent_state(pve_sim, pve_workspace):
    pve_sim.reset()
    make_vm_template(pve_sim, 9000, "golden")
    # Slow clones: the interrupt lands while clone tasks run.
    pve_sim.settings({"task_durations": {"qmclone": CLONE_SECONDS}})

    ws = pve_workspace
    ws.write(HCL)
    ws.init()
    proc, lines, reader = start_apply(ws)
    try:
        wait_until(lambda: any(g["lock"] == "clone" for g in guests(pve_sim).values()), 60,
                   "a clone task to be running")
        time.sleep(0.5)
        interrupted = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        rc = proc.wait(timeout=60)
        took = time.monotonic() - interrupted
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    reader.join(timeout=10)
    out = "".join(lines)
    assert rc != 0, out
    assert "Interrupt received" in out, out
    # tofu starts nothing new after Ctrl-C but waits for the operations in flight: only a
    # provider that ends its task waits on StopProvider lets it exit before the clones end.
    assert took < CLONE_SECONDS - 4, f"tofu took {took:.1f}s to stop\n{out}"

    # Tasks already dispatched finish on the cluster; then every VM there must be in the state.
    wait_until(lambda: not any(g["lock"] for g in guests(pve_sim).values()), CLONE_SECONDS + 10,
               "clone tasks to end")
    inst = state_instances(ws)
    in_state = {vmid_of(e["values"]) for e in inst.values()}
    on_cluster = set(guests(pve_sim)) - {9000}
    assert in_state == on_cluster, f"state {sorted(in_state)} vs cluster {sorted(on_cluster)}\n{out}"
    assert len(in_state) < COUNT, "the interrupt came too late to prove anything"

    # A second apply converges: all six, no strays, then nothing to do.
    pve_sim.settings({"task_durations": {"qmclone": 0.2}})
    ws.apply()
    inst = state_instances(ws)
    assert len(inst) == COUNT and not any(e["tainted"] for e in inst.values())
    in_state = {vmid_of(e["values"]) for e in inst.values()}
    cluster = guests(pve_sim)
    assert set(cluster) - {9000} == in_state, (sorted(cluster), sorted(in_state))
    assert sorted(cluster[v]["name"] for v in in_state) == sorted(f"slow-{i}" for i in range(COUNT))
    ws.assert_no_changes()
    ws.destroy()
    assert set(guests(pve_sim)) == {9000}
