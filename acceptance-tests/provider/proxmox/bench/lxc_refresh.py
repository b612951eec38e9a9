#!/usr/bin/env python3
"""Refresh of N existing LXC containers (default 100): wall time and Proxmox API requests per
container for sarga_lxc.

Prints figures; it is not a test. The containers are made through the API (as if by hand),
imported into sarga_lxc with import blocks, then `tofu plan -refresh-only` is timed and its
requests counted from pve-sim's --verbose log. Target: 2 requests per container (config and
status/current) plus a constant per plan.

  SARGA_BUILD_DIR=/tmp/build-x python3 acceptance-tests/provider/proxmox/bench/lxc_refresh.py [--count 100]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # lxc_support

from lxc_support import upload_vztmpl  # noqa: E402
from pve_bench_common import Bench, classify  # noqa: E402

FIRST_VMID = 2000


def hcl(count, template):
    return f"""
    locals {{
      cts = {{ for i in range({count}) : tostring({FIRST_VMID} + i) => {FIRST_VMID} + i }}
    }}

    import {{
      for_each = local.cts
      to       = sarga_lxc.ct[each.key]
      id       = "pve1/${{each.value}}"
    }}

    resource "sarga_lxc" "ct" {{
      for_each = local.cts
      node     = "pve1"
      vmid     = each.value
      hostname = "ct-${{each.value}}"
      template = "{template}"
      rootfs   = {{ storage = "nfs", size_gb = 1 }}
      network  = {{ eth0 = {{ bridge = "vmbr0", ipv4 = "dhcp" }} }}
      started  = false
    }}
    """


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--keep", help="work in this directory and keep it")
    args = parser.parse_args()
    n = args.count

    b = Bench(args.keep)
    try:
        template = upload_vztmpl(b.sim, "bench.tar.gz", storage="nfs")
        for i in range(n):
            upid = b.sim.api("POST", "/nodes/pve1/lxc", vmid=FIRST_VMID + i, ostemplate=template,
                             hostname=f"ct-{FIRST_VMID + i}", rootfs="nfs:1", unprivileged=1,
                             net0="name=eth0,bridge=vmbr0,ip=dhcp")
            assert b.sim.wait_task(upid) == "OK"
        b.write(hcl(n, template))
        b.init()
        rc, secs, _, out = b.run("apply", "-auto-approve", "-input=false", "-no-color")
        print(f"import of {n} containers: {secs:.1f} s")
        rc, _, _, out = b.run("plan", "-input=false", "-no-color", "-detailed-exitcode", ok=(0, 2))
        if rc != 0:
            print(out[-3000:], file=sys.stderr)
            print("WARNING: the plan after import is not empty")

        offset = b.log_offset()
        rc, secs, peak, out = b.run("plan", "-refresh-only", "-input=false", "-no-color", "-detailed-exitcode",
                                    ok=(0, 2))
        reqs = b.requests_since(offset)
        kinds = classify(reqs)
        per_ct = sum(c for k, c in kinds.items() if "/{vmid}" in k)
        print(f"\nrefresh of {n} containers (pve-sim, tofu default parallelism 10): exit {rc}, {secs:.2f} s, "
              f"{len(reqs)} requests ({len(reqs) / n:.2f} per container), provider peak RSS {peak / 1024:.1f} MB")
        for kind, count in kinds.most_common():
            print(f"  {count:6d}  {kind}")
        verdict = "MET" if per_ct <= 2 * n and len(reqs) - per_ct <= 20 else "NOT MET"
        print(f"per-container requests: {per_ct} ({per_ct / n:.2f} each); other: {len(reqs) - per_ct}; "
              f"target {verdict}")
    finally:
        b.close()


if __name__ == "__main__":
    main()
