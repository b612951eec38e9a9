#!/usr/bin/env python3
"""Refresh of N existing VMs (default 200): wall time and Proxmox API requests per VM.

Prints figures; it is not a test. pve-sim seeds N stopped VMs at once (/_sim/seed-guests), tofu
imports them (import blocks) into matching sarga_vm resources, then `tofu plan -refresh-only`
and a normal `tofu plan` are timed. Requests are counted from pve-sim's --verbose log. Target:
at most 2 requests per VM plus a constant per plan (issue 5, Targets).

  SARGA_BUILD_DIR=/tmp/build-x python3 acceptance-tests/provider/proxmox/bench/refresh_200.py [--count 200] [--running]
"""
import argparse
import sys

from pve_bench_common import Bench, classify

FIRST_VMID = 1000


def hcl(count, running):
    # Matches what /_sim/seed-guests makes: name seed-N, 2 cores, 2048 MiB, tag "seed",
    # scsi0 8G on local-lvm, net0 virtio on vmbr0, round-robin over pve1..pve3, stopped
    # (or, with `running`, started with the guest agent enabled).
    agent = "agent    = { enabled = true }" if running else ""
    return f"""
    locals {{
      seeded = {{ for i in range({count}) : tostring({FIRST_VMID} + i) => {{
        vmid = {FIRST_VMID} + i
        node = "pve${{i % 3 + 1}}"
      }} }}
    }}

    import {{
      for_each = local.seeded
      to       = sarga_vm.seed[each.key]
      id       = "${{each.value.node}}/${{each.value.vmid}}"
    }}

    resource "sarga_vm" "seed" {{
      for_each = local.seeded
      node     = each.value.node
      vmid     = each.value.vmid
      name     = "seed-${{each.value.vmid}}"
      tags     = ["seed"]
      cpu      = {{ cores = 2 }}
      memory   = {{ dedicated = 2048 }}
      started  = {"true" if running else "false"}
      {agent}
    }}
    """


def start_with_agent(sim, n):
    """Enables the guest agent on every seeded VM and starts it (the agent answers at once)."""
    sim.settings({"agent_boot_delay": 0, "all_tasks": 0.01})
    upids = []
    for i in range(n):
        vmid, node = FIRST_VMID + i, f"pve{i % 3 + 1}"
        sim.api("PUT", f"/nodes/{node}/qemu/{vmid}/config", agent="enabled=1")
        upids.append(sim.api("POST", f"/nodes/{node}/qemu/{vmid}/status/start"))
    for upid in upids:
        assert sim.wait_task(upid) == "OK"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--running", action="store_true",
                        help="VMs running with the guest agent enabled (Read then also asks the agent once)")
    parser.add_argument("--keep", help="work in this directory and keep it")
    args = parser.parse_args()
    n = args.count

    b = Bench(args.keep)
    try:
        b.sim.seed_guests(n, FIRST_VMID)
        if args.running:
            start_with_agent(b.sim, n)
        b.write(hcl(n, args.running))
        b.init()
        rc, secs, _, out = b.run("apply", "-auto-approve", "-input=false", "-no-color")
        print(f"import of {n} VMs: {secs:.1f} s")
        rc, _, _, out = b.run("plan", "-input=false", "-no-color", "-detailed-exitcode", ok=(0, 2))
        if rc != 0:
            print(out[-3000:], file=sys.stderr)
            print("WARNING: the plan after import is not empty (the figures below still count refresh requests)")

        rows = []
        for label, cmd in (("plan -refresh-only", ["plan", "-refresh-only", "-input=false", "-no-color",
                                                   "-detailed-exitcode"]),
                           ("plan", ["plan", "-input=false", "-no-color", "-detailed-exitcode"])):
            offset = b.log_offset()
            rc, secs, peak, out = b.run(*cmd, ok=(0, 2))
            reqs = b.requests_since(offset)
            rows.append((label, rc, secs, peak, reqs))

        state = "running, guest agent enabled" if args.running else "stopped"
        print(f"\nrefresh of {n} existing VMs ({state}; pve-sim, 3 nodes, tofu default parallelism 10)")
        print(f"{'run':20} {'exit':>4} {'seconds':>8} {'requests':>9} {'per VM':>7} {'peak RSS':>9}")
        for label, rc, secs, peak, reqs in rows:
            print(f"{label:20} {rc:4d} {secs:8.2f} {len(reqs):9d} {len(reqs) / n:7.2f} {peak / 1024:6.1f} MB")
        label, rc, secs, peak, reqs = rows[0]
        kinds = classify(reqs)
        per_vm = sum(c for k, c in kinds.items() if "/{vmid}" in k)
        constant = len(reqs) - per_vm
        print(f"\nrequests of `{label}` by kind:")
        for kind, count in kinds.most_common():
            print(f"  {count:6d}  {kind}")
        errors = [r for r in reqs if r[2] >= 400]
        print(f"per-VM requests: {per_vm} = {per_vm / n:.2f} per VM; other requests: {constant} "
              f"(target: <= 2 per VM + a constant){'; HTTP errors: ' + str(len(errors)) if errors else ''}")
        verdict = "MET" if per_vm <= 2 * n and constant <= 20 else "NOT MET"
        print(f"target {verdict}")
    finally:
        b.close()


if __name__ == "__main__":
    main()
