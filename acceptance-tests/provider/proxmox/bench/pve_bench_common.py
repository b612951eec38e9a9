"""Shared plumbing of the Proxmox benchmarks: a `pve-sim --verbose` (its request log is the
request counter), a tofu workspace with the freshly built provider from a filesystem mirror,
and tofu runs sampled for the provider's peak RSS (the method of ../../bench_rss.py)."""
import os
import shutil
import re
import subprocess
import sys
import threading
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))   # sarga_tofu, bench_rss
sys.path.insert(0, str(HERE.parent))          # scenarios

from bench_rss import children_of, is_provider, vm_hwm_kib  # noqa: E402
from sarga_tofu import find_provider, find_tofu, write_mirror  # noqa: E402
from pvesim_provider import PveSim  # noqa: E402
from scenarios import requests_since  # noqa: E402



PROVIDER_HEADER = textwrap.dedent("""\
    terraform {
      required_providers {
        sarga = { source = "sarga/sarga" }
      }
    }
    provider "sarga" {}
    """)


class Bench:
    """A sim + a workspace; `run()` executes tofu and measures it."""

    def __init__(self, keep=None):
        self.tofu, provider = find_tofu(), find_provider()
        if not os.access(provider, os.X_OK):
            sys.exit(f"provider binary {provider} not found (set SARGA_PROVIDER or SARGA_BUILD_DIR)")
        self.root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="sarga-pve-bench-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.keep = keep
        self.provider = provider
        self.sim = PveSim(["--verbose"])
        self.sim_log = Path(self.sim.dir) / "stderr.log"
        cli_config = write_mirror(self.root / "cli", provider)
        self.ws = self.root / "ws"
        self.ws.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "SARGA_"))}
        env.update(TF_CLI_CONFIG_FILE=str(cli_config), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1",
                   TF_INPUT="0", SARGA_PROXMOX_ENDPOINT=self.sim.url,
                   SARGA_PROXMOX_API_TOKEN=self.sim.token, SARGA_PROXMOX_FINGERPRINT=self.sim.fingerprint)
        self.env = env

    def write(self, hcl):
        (self.ws / "main.tf").write_text(PROVIDER_HEADER + "\n" + textwrap.dedent(hcl))

    def init(self):
        subprocess.run([str(self.tofu), "init", "-input=false", "-no-color"], cwd=self.ws, env=self.env,
                       check=True, stdout=subprocess.DEVNULL)

    def log_offset(self):
        return self.sim_log.stat().st_size

    def requests_since(self, offset):
        """(method, path, status) of the API requests logged after `offset`."""
        time.sleep(0.2)  # the sim logs a request after answering it
        return requests_since(self.sim_log, offset)

    def run(self, *args, ok=(0,)):
        """Runs tofu; returns (rc, seconds, peak provider VmHWM in KiB, output)."""
        start = time.monotonic()
        proc = subprocess.Popen([str(self.tofu), *args], cwd=self.ws, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        peaks = {}
        out_chunks = []
        reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True)
        reader.start()
        while proc.poll() is None:
            for kid in children_of(proc.pid):
                if is_provider(kid):
                    hwm = vm_hwm_kib(kid)
                    if hwm is not None:
                        peaks[kid] = max(peaks.get(kid, 0), hwm)
            time.sleep(0.005)
        reader.join()
        secs = time.monotonic() - start
        out = "".join(out_chunks)
        if proc.returncode not in ok:
            print(out[-6000:], file=sys.stderr)
            sys.exit(f"tofu {' '.join(args)} exited {proc.returncode}")
        return proc.returncode, secs, max(peaks.values(), default=0), out

    def close(self):
        self.sim.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
            shutil.rmtree(self.sim.dir, ignore_errors=True)


def classify(requests):
    """Counter of request kinds, with VMIDs and UPIDs folded away."""
    kinds = Counter()
    for method, path, status in requests:
        p = re.sub(r"/UPID:[^/]+", "/{upid}", path)
        p = re.sub(r"/nodes/[^/]+", "/nodes/{node}", p)
        p = re.sub(r"/(qemu|lxc)/\d+", r"/\1/{vmid}", p)
        kinds[f"{method} {p}"] += 1
    return kinds
