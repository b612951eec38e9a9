"""Shared fixtures for every Proxmox acceptance test (test_vm_*, test_lxc_*, test_ds_*,
test_seed_pve_*, test_fault_*, test_example_*): a pve-sim per test module and the provider
environment pointing at it.

pve-sim binary: $SARGA_PVE_SIM, else $SARGA_BUILD_DIR/acceptance-tests/pve-sim/pve-sim
(SARGA_BUILD_DIR defaults to <repo>/build). A missing binary fails the test (never a skip).

Fixtures
  pve_sim        module scope: started on 127.0.0.1:0 with an API token; .url, .fingerprint,
                 .token, .cert (PEM file of the served certificate), .api(method, path, **params)
                 -> data (raises PveApiError on HTTP errors), .faults(plan), .clear_faults(),
                 .settings(dict) -> merged timing, .reset(), .seed_guests(n, first_vmid),
                 .wait_task(upid), .snapshot()
  pve_env        env vars for tofu: SARGA_PROXMOX_ENDPOINT, SARGA_PROXMOX_API_TOKEN,
                 SARGA_PROXMOX_FINGERPRINT
  pve_workspace  the `workspace` fixture with pve_env merged into every tofu run
Between tests the fault plan is cleared and the timing goes back to FAST_TIMING (the
cluster contents are kept: call pve_sim.reset() for an empty cluster).
"""
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

TOKEN_ID = "root@pam!sarga"
TOKEN_SECRET = "acceptance-secret-0f3c"  # the sim's own throw-away token, loopback only

# Quick tasks keep the suite fast; tests that need slow tasks or lag set them explicitly.
FAST_TIMING = {
    "all_tasks": 0.05,
    "resources_lag": 0,
    "agent_boot_delay": 0,
    "clone_lock_timeout_ms": 1000,
    "config_lock_timeout_ms": 10000,
    "ticket_lifetime": 7200,
}

REPO = Path(__file__).resolve().parents[3]

# requests prefers these over an explicit verify=<file>; the tests trust only the sim's cert.
for _var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_var, None)


class PveApiError(AssertionError):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path}: HTTP {status}: {body}")
        self.status = status
        self.body = body


def pve_sim_binary() -> Path:
    env_path = os.environ.get("SARGA_PVE_SIM")
    if env_path:
        return Path(env_path)
    build = Path(os.environ.get("SARGA_BUILD_DIR", REPO / "build"))
    return build / "acceptance-tests" / "pve-sim" / "pve-sim"


class PveSim:
    """A running pve-sim process, its start-up facts and thin API/control helpers."""

    def __init__(self, extra_args=()):
        binary = pve_sim_binary()
        if not os.access(binary, os.X_OK):
            pytest.fail(f"pve-sim binary {binary} not found: build target pve-sim, or set SARGA_PVE_SIM / SARGA_BUILD_DIR")
        self.dir = tempfile.mkdtemp(prefix="sarga-pve-sim-")
        self.cert = os.path.join(self.dir, "cert.pem")
        self.token = f"{TOKEN_ID}={TOKEN_SECRET}"
        args = [str(binary), "--listen", "127.0.0.1:0", "--token", self.token,
                "--cert-out", self.cert, "--seed", "7", *extra_args]
        self.log = open(os.path.join(self.dir, "stderr.log"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.info = {}
        deadline = time.time() + 30
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.log.flush()
                raise RuntimeError(f"pve-sim exited early: {Path(self.log.name).read_text()}")
            line = line.strip()
            if line == "ready":
                break
            key, _, value = line.partition(": ")
            self.info[key] = value
            if time.time() > deadline:
                raise RuntimeError("pve-sim did not print 'ready' within 30 s")
        self.url = self.info["url"]
        self.fingerprint = self.info["fingerprint"]
        self.session = requests.Session()
        self.session.verify = self.cert
        self.session.headers["Authorization"] = f"PVEAPIToken={self.token}"
        self.baseline = dict(FAST_TIMING)
        self.settings(self.baseline)

    # --- REST API -------------------------------------------------------------------------
    def api(self, method, path, **params):
        """Calls /api2/json<path> with params (query for GET/DELETE, form otherwise) -> data."""
        method = method.upper()
        kw = {"params": params} if method in ("GET", "DELETE") else {"data": params}
        r = self.session.request(method, self.url + "/api2/json" + path, timeout=30, **kw)
        if r.status_code != 200:
            raise PveApiError(method, path, r.status_code, r.text)
        return r.json().get("data")

    def wait_task(self, upid, timeout=30):
        """Waits for a task; returns its exit status ("OK", "WARNINGS: n", error text)."""
        node = upid.split(":")[1]
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.session.get(f"{self.url}/api2/json/nodes/{node}/tasks/{upid}/status", timeout=30)
            if r.status_code == 200 and r.json()["data"]["status"] == "stopped":
                return r.json()["data"]["exitstatus"]
            time.sleep(0.05)
        raise AssertionError(f"task {upid} did not finish within {timeout}s")

    # --- control endpoints ----------------------------------------------------------------
    def _control(self, method, path, body=None):
        r = self.session.request(method, self.url + "/_sim/" + path, json=body, timeout=30)
        if r.status_code != 200:
            raise AssertionError(f"pve-sim {method} /_sim/{path}: HTTP {r.status_code}: {r.text}")
        return r.json()

    def faults(self, plan):
        return self._control("POST", "faults", plan)

    def clear_faults(self):
        return self._control("DELETE", "faults")

    def settings(self, values=None):
        return self._control("POST", "settings", values) if values else self._control("GET", "settings")

    def reset(self):
        """Empty cluster, faults cleared, quick timing again."""
        self._control("POST", "reset")
        self.settings(self.baseline)

    def seed_guests(self, count, first_vmid=1000):
        return self._control("POST", "seed-guests", {"count": count, "first_vmid": first_vmid})

    def snapshot(self):
        return self._control("GET", "snapshot")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()


@pytest.fixture(scope="module")
def pve_sim():
    sim = PveSim()
    yield sim
    sim.stop()


@pytest.fixture(autouse=True)
def _pve_sim_between_tests(request):
    """Clears faults and restores timing before each test that uses the sim."""
    if "pve_sim" not in request.fixturenames:
        yield
        return
    sim = request.getfixturevalue("pve_sim")
    sim.clear_faults()
    sim.settings(sim.baseline)
    yield


@pytest.fixture
def pve_env(pve_sim):
    return {
        "SARGA_PROXMOX_ENDPOINT": pve_sim.url,
        "SARGA_PROXMOX_API_TOKEN": pve_sim.token,
        "SARGA_PROXMOX_FINGERPRINT": pve_sim.fingerprint,
    }


@pytest.fixture
def pve_workspace(workspace, pve_env):
    """`workspace` whose tofu runs see the Proxmox provider settings."""
    workspace.env = dict(workspace.env, **pve_env)
    return workspace


def make_vm_template(sim, vmid=9000, name="tmpl-noble", node="pve1", disk_gb=4, storage="local-lvm",
                     cloud_init=True):
    """A QEMU template made through the API (create + convert), as sarga-build publishes one."""
    params = {"vmid": vmid, "name": name, "memory": 1024, "cores": 1, "scsihw": "virtio-scsi-single",
              "scsi0": f"{storage}:{disk_gb}", "net0": "virtio,bridge=vmbr0", "agent": "1"}
    if cloud_init:
        params["ide2"] = f"{storage}:cloudinit"
    sim.wait_task(sim.api("POST", f"/nodes/{node}/qemu", **params))
    upid = sim.api("POST", f"/nodes/{node}/qemu/{vmid}/template")
    if upid:
        sim.wait_task(upid)
    return vmid


@pytest.fixture
def pve_template(pve_sim):
    """Factory: pve_template(vmid=9000, name="tmpl-noble", ...) -> vmid of a fresh template."""
    return lambda **kw: make_vm_template(pve_sim, **kw)
