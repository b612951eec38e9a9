"""The one real VM image build of a pytest session: examples/images/debian12-vm-hardened.pkr.hcl
built by sarga-build (mmdebstrap, provisioners, disk image, a boot under QEMU, publish) into a
fresh output folder, the proxmox-vm-template post-processor pointed at a pve-sim started here.

The boot takes minutes under TCG, so ../conftest.py builds once per session (fixture `vm_image`)
and both the builder tests and the provider's handoff test read what it left behind. The
mmdebstrap cache is the normal one (~/.cache/sarga, or $SARGA_CACHE_DIR).
"""

import json
import os
import sys
import time
from pathlib import Path

from builder_run import EXAMPLES, find_sarga_build, run

PVE_SIM_TESTS = Path(__file__).resolve().parents[1] / "pve-sim" / "tests"

EXAMPLE = EXAMPLES / "debian12-vm-hardened.pkr.hcl"
BUILD_NAME = "debian-12-vm-hardened"
IMAGE_FILE = f"{BUILD_NAME}.qcow2"
# Loopback-only throw-away secret; the tests check it never reaches the build's output.
TOKEN_SECRET = "vm-image-secret-7c1d"
BUILD_TIMEOUT = 1800  # a cold cache downloads ~300 MB from the Debian mirror first
# Quick simulated tasks: the sim's default durations are for the provider's timing tests.
SIM_TIMING = {"all_tasks": 0.05, "resources_lag": 0, "agent_boot_delay": 0}


def publish_vars(sim):
    """The example's proxmox-vm-template variables, aimed at the sim (certificate pinned)."""
    values = {"pve_endpoint": sim.url, "pve_token": sim.token, "pve_fingerprint": sim.fingerprint,
              "pve_node": "pve1", "pve_storage": "local-lvm"}
    return [arg for name, value in values.items() for arg in ("--var", f"{name}={value}")]


def json_lines(text):
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


class BuildRun:
    """One `sarga-build build` run: the process result, its events and its output folder."""

    def __init__(self, proc, out, wall_seconds):
        self.proc = proc
        self.out = Path(out)
        self.wall_seconds = wall_seconds
        self.events = json_lines(proc.stdout)

    @property
    def output(self):
        return self.proc.stdout + self.proc.stderr

    def failure_text(self, tail=4000):
        """The build's own error (its result line) when it printed one, else the output's tails."""
        errors = [e["error"] for e in self.events if e.get("type") == "result" and e.get("error")]
        if errors:
            return f"sarga-build exited {self.proc.returncode}: {errors[-1]}\n--- stderr ---\n{self.proc.stderr[-tail:]}"
        return (f"sarga-build exited {self.proc.returncode}\n--- stderr (tail) ---\n{self.proc.stderr[-tail:]}"
                f"\n--- stdout (tail) ---\n{self.proc.stdout[-tail:]}")

    @property
    def image(self):
        return self.out / IMAGE_FILE

    def manifest(self):
        return json.loads((self.out / "manifest.json").read_text())

    def entry(self):
        """This build's entry in manifest.json."""
        builds = [b for b in self.manifest()["builds"] if b["name"] == BUILD_NAME]
        assert len(builds) == 1, self.manifest()
        return builds[0]


def build_example(sarga_build, out, *extra, env=None, cwd=None):
    """Runs the real build of the example with --machine-readable; never raises on failure."""
    started = time.monotonic()
    proc = run([sarga_build, "build", "--force", "--machine-readable", "--output-dir", out, *extra, EXAMPLE],
               cwd=cwd or Path(out).parent, env=env, timeout=BUILD_TIMEOUT)
    return BuildRun(proc, out, time.monotonic() - started)


class VmImageSession:
    """The session's pve-sim and the build that published to it."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.failure_shown = False
        self.sarga_build = find_sarga_build()
        if not os.access(self.sarga_build, os.X_OK):
            raise RuntimeError(f"sarga-build not found at {self.sarga_build}: build it, or set SARGA_BUILD / SARGA_BUILD_DIR")
        if not EXAMPLE.is_file():
            raise RuntimeError(f"{EXAMPLE} is missing")
        # The pve-sim suite's launcher (imported here: the benchmark needs no sim, nor pytest).
        if str(PVE_SIM_TESTS) not in sys.path:
            sys.path.insert(0, str(PVE_SIM_TESTS))
        from pvesim_fixture import TOKEN_ID, Sim

        self.sim = Sim(token=f"{TOKEN_ID}={TOKEN_SECRET}")
        try:
            self.sim.control("POST", "settings", SIM_TIMING)
            self.build = build_example(self.sarga_build, self.root / "out", *publish_vars(self.sim), cwd=self.root)
        except BaseException:
            self.sim.stop()
            raise
        # Kept next to the output for whoever debugs a failure.
        (self.root / "build.stdout").write_text(self.build.proc.stdout)
        (self.root / "build.stderr").write_text(self.build.proc.stderr)
        print(f"\nvm image build: exit {self.build.proc.returncode} in {self.build.wall_seconds:.1f} s "
              f"(logs in {self.root})", file=sys.stderr)

    def require_ok(self):
        """The build must have succeeded for the test that calls this to mean anything. The
        first caller shows why it failed; later ones point there instead of repeating it."""
        if self.build.proc.returncode == 0:
            return
        if self.failure_shown:
            raise AssertionError(f"the session's VM image build failed (shown in the first failing test; "
                                 f"logs in {self.root})")
        self.failure_shown = True
        raise AssertionError(self.build.failure_text())

    def published(self):
        """The proxmox-vm-template report in the manifest: {"node", "vmid", "name", ...}."""
        reports = [p for p in self.build.entry().get("published", []) if "vmid" in p]
        assert len(reports) == 1, self.build.entry().get("published")
        return reports[0]

    def stop(self):
        self.sim.stop()
