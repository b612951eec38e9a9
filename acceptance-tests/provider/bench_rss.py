#!/usr/bin/env python3
"""Provider peak RSS while real tofu plans 200 sarga_cloudinit_seed resources (target <= 20 MB).

Prints figures; it is not a test. Uses the same tofu / provider lookup as the acceptance tests
(SARGA_TOFU, SARGA_PROVIDER, SARGA_BUILD_DIR). Peak RSS is VmHWM from /proc/<pid>/status of the
provider process (the child of tofu), sampled every few milliseconds until it exits.

  python3 acceptance-tests/provider/bench_rss.py [--count 200] [--keep DIR]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from sarga_tofu import find_provider, find_tofu, write_mirror

PROVIDER_NAME = "terraform-provider-sarga"


def setup(root: Path, provider: Path, count: int):
    cli_config = write_mirror(root, provider)
    ws = root / "ws"
    ws.mkdir()
    (ws / "main.tf").write_text(textwrap.dedent(f"""\
        terraform {{
          required_providers {{
            sarga = {{ source = "sarga/sarga" }}
          }}
        }}
        provider "sarga" {{}}

        resource "sarga_cloudinit_seed" "node" {{
          count       = {count}
          hostname    = "node-${{count.index}}"
          user_data   = <<-EOT
            #cloud-config
            packages: [nginx, curl]
            runcmd:
              - echo node-${{count.index}}
          EOT
          network_config = "version: 2\\nethernets:\\n  eth0:\\n    dhcp4: true\\n"
          output_path = "${{path.module}}/seeds/node-${{count.index}}.iso"
        }}
        """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(TF_CLI_CONFIG_FILE=str(cli_config), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    return ws, env


def children_of(pid: int):
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # Field 4 (after the parenthesised command, which may contain spaces) is the ppid.
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def vm_hwm_kib(pid: int):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def is_provider(pid: int):
    try:
        return PROVIDER_NAME in os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False


def run_sampled(tofu: Path, args, ws: Path, env):
    """Runs tofu; returns (exit code, seconds, peak VmHWM KiB of the provider, provider runs)."""
    start = time.monotonic()
    proc = subprocess.Popen([str(tofu), *args], cwd=ws, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peaks = {}
    while proc.poll() is None:
        for kid in children_of(proc.pid):
            if is_provider(kid):
                hwm = vm_hwm_kib(kid)
                if hwm is not None:
                    peaks[kid] = max(peaks.get(kid, 0), hwm)
        time.sleep(0.005)
    err = proc.stderr.read()
    if proc.returncode not in (0, 2):
        sys.exit(f"tofu {' '.join(args)} failed ({proc.returncode}):\n{err}")
    return proc.returncode, time.monotonic() - start, max(peaks.values(), default=0), len(peaks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--keep", help="work in this directory and keep it")
    args = parser.parse_args()

    tofu, provider = find_tofu(), find_provider()
    if not os.access(provider, os.X_OK):
        sys.exit(f"provider binary {provider} not found (set SARGA_PROVIDER or SARGA_BUILD_DIR)")
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sarga-bench-rss-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        ws, env = setup(root, provider, args.count)
        subprocess.run([str(tofu), "init", "-input=false"], cwd=ws, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"provider: {provider}")
        print(f"tofu:     {tofu}")
        rows = []
        rc, secs, peak, runs = run_sampled(tofu, ["plan", "-input=false", "-detailed-exitcode"], ws, env)
        rows.append((f"plan {args.count} creates", secs, peak, runs))
        rc, secs, peak, runs = run_sampled(tofu, ["apply", "-input=false", "-auto-approve"], ws, env)
        rows.append((f"apply {args.count} creates", secs, peak, runs))
        rc, secs, peak, runs = run_sampled(tofu, ["plan", "-input=false", "-detailed-exitcode"], ws, env)
        if rc != 0:
            sys.exit("the plan after apply is not empty")
        rows.append((f"plan {args.count} existing (refresh)", secs, peak, runs))
        print(f"{'run':34} {'seconds':>8} {'provider peak RSS':>18} {'procs':>6}")
        for name, secs, peak, runs in rows:
            print(f"{name:34} {secs:8.2f} {peak / 1024:15.1f} MB {runs:6d}")
        worst = max(r[2] for r in rows) / 1024
        print(f"peak provider RSS while planning: {max(rows[0][2], rows[2][2]) / 1024:.1f} MB "
              f"(target <= 20 MB); worst including apply: {worst:.1f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
