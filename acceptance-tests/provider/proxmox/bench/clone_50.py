#!/usr/bin/env python3
"""`tofu apply -parallelism=10` creating N clones (default 50) of one template with PVE's 1 s
clone locks and 2 s clone tasks: failures, wall time against the lower bound, provider RSS.

Prints figures; it is not a test. Targets (issue 5): 0 failures, wall time within 1.3x of the
lower bound the simulated task times allow, provider peak RSS <= 30 MB.

  SARGA_BUILD_DIR=/tmp/build-x python3 acceptance-tests/provider/proxmox/bench/clone_50.py [--count 50]
"""
import argparse
import math
import re

from pve_bench_common import Bench, classify
from scenarios import guests, make_vm_template

TEMPLATE = 9000
CLONE_TASK_S = 2.0
PARALLELISM = 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--keep", help="work in this directory and keep it")
    args = parser.parse_args()
    n = args.count

    b = Bench(args.keep)
    try:
        make_vm_template(b.sim, TEMPLATE, "golden")
        # PVE's own lock timeout for clones (1 s), 2 s clones, other tasks 0.3 s. Two calls:
        # `all_tasks` would also override the clone duration given in the same call.
        b.sim.settings({"clone_lock_timeout_ms": 1000, "all_tasks": 0.3, "resources_lag": 3})
        b.sim.settings({"task_durations": {"qmclone": CLONE_TASK_S}})
        b.write(f"""
        resource "sarga_vm" "clone" {{
          count   = {n}
          node    = "pve1"
          name    = "clone-${{count.index}}"
          clone   = {{ source_vmid = {TEMPLATE} }}
          started = false
        }}
        """)
        b.init()
        offset = b.log_offset()
        rc, secs, peak, out = b.run("apply", "-auto-approve", "-input=false", "-no-color",
                                    f"-parallelism={PARALLELISM}", ok=(0, 1))
        reqs = b.requests_since(offset)
        errors = len(re.findall(r"^Error: ", out, re.M))
        made = [g for v, g in guests(b.sim).items() if v != TEMPLATE and (g["name"] or "").startswith("clone-")]
        kinds = classify(reqs)
        lock_timeouts = sum(1 for r in reqs if r[2] >= 500 and "clone" in r[1])

        waves = math.ceil(n / PARALLELISM)
        bound = waves * CLONE_TASK_S
        print(f"apply of {n} clones of one template, -parallelism={PARALLELISM}, clone task "
              f"{CLONE_TASK_S:.0f} s, clone lock timeout 1 s (pve-sim)")
        print(f"  tofu exit code            {rc}")
        print(f"  failures (Error: lines)   {errors}   (target 0)")
        print(f"  clones on the cluster     {len(made)} / {n}")
        print(f"  wall time (tofu apply)    {secs:.2f} s")
        print(f"  lower bound               {bound:.2f} s = ceil({n}/{PARALLELISM}) waves x {CLONE_TASK_S:.0f} s: "
              f"tofu runs at most {PARALLELISM} creates at once, each waits for its own clone task; clones of a "
              f"template share the source lock, so nothing else has to serialise (the clone call carries the "
              f"name, so no config task follows)")
        print(f"  ratio                     {secs / bound:.2f}x  (target <= 1.3x)")
        print(f"  provider peak RSS         {peak / 1024:.1f} MB  (target <= 30 MB)")
        print(f"  API requests              {len(reqs)} ({len(reqs) / n:.1f} per clone); refused clone "
              f"calls (lock timeout / VMID taken, retried): {lock_timeouts}")
        for kind, count in kinds.most_common(8):
            print(f"    {count:6d}  {kind}")
        ok = rc == 0 and errors == 0 and len(made) == n
        print(f"targets: failures {'MET' if ok else 'NOT MET'}, time {'MET' if secs <= 1.3 * bound else 'NOT MET'}, "
              f"RSS {'MET' if peak <= 30 * 1024 else 'NOT MET'}")
        if rc == 0:
            rc, dsecs, dpeak, _ = b.run("destroy", "-auto-approve", "-input=false", "-no-color",
                                        f"-parallelism={PARALLELISM}")
            print(f"  destroy of {n}: {dsecs:.2f} s, provider peak RSS {dpeak / 1024:.1f} MB")
    finally:
        b.close()


if __name__ == "__main__":
    main()
