"""Starts pve-sim for the client-driven tests (proxmoxer, requests, curl); fixtures in conftest.py.

The binary comes from $SARGA_PVE_SIM, else <$SARGA_BUILD_DIR or /work/main/build>/acceptance-tests/pve-sim/pve-sim.
Every server listens on 127.0.0.1 with a free port and a fresh self-signed certificate.
"""
import os
import signal
import subprocess
import tempfile
import time

import pytest
import requests

TOKEN_ID = "root@pam!sarga"
TOKEN_SECRET = "SECRET-for-tests"
ROOT_PASSWORD = "pw-for-tests"

# requests prefers these over an explicit verify=<file>; the tests trust only the sim's cert.
for _var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_var, None)


def sim_binary():
    path = os.environ.get("SARGA_PVE_SIM")
    if not path:
        build = os.environ.get("SARGA_BUILD_DIR", "/work/main/build")
        path = os.path.join(build, "acceptance-tests", "pve-sim", "pve-sim")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"pve-sim binary not found at {path}: build it or set SARGA_PVE_SIM")
    return path


class Sim:
    """A running pve-sim process and what its start-up lines said. Its stderr goes to a file
    in `dir` (a pipe nobody reads would stall a --verbose sim). The provider's Proxmox tests
    build on this class (acceptance-tests/provider/proxmox/pvesim_provider.py)."""

    def __init__(self, extra_args=(), state=None, token=f"{TOKEN_ID}={TOKEN_SECRET}", seed=42,
                 root_password=ROOT_PASSWORD):
        self.dir = tempfile.mkdtemp(prefix="pve-sim-test-")
        self.cert = os.path.join(self.dir, "cert.pem")
        self.token = token
        args = [sim_binary(), "--listen", "127.0.0.1:0", "--token", token, "--cert-out", self.cert,
                "--seed", str(seed), *extra_args]
        if root_password:
            args += ["--root-password", root_password]
        if state:
            args += ["--state", state]
        self.log = open(os.path.join(self.dir, "stderr.log"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.info = {}
        deadline = time.time() + 30
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.log.flush()
                raise RuntimeError("pve-sim exited early: " + open(self.log.name).read())
            line = line.strip()
            if line == "ready":
                break
            key, _, value = line.partition(": ")
            self.info[key] = value
            if time.time() > deadline:
                raise RuntimeError("pve-sim did not print 'ready' within 30 s")
        self.url = self.info["url"]
        self.port = int(self.url.rsplit(":", 1)[1])
        self.fingerprint = self.info.get("fingerprint")
        self.session = requests.Session()
        self.session.verify = self.cert
        self.session.headers["Authorization"] = f"PVEAPIToken={token}"

    def api(self, method, path, **kw):
        return self.session.request(method, self.url + "/api2/json" + path, timeout=30, **kw)

    def control(self, method, path, body=None):
        r = self.session.request(method, self.url + "/_sim/" + path, json=body, timeout=30)
        assert r.status_code == 200, f"pve-sim {method} /_sim/{path}: HTTP {r.status_code}: {r.text}"
        return r.json()

    def wait_task(self, upid, timeout=30):
        """Waits for a task; returns its exit status ("OK", "WARNINGS: n", error text)."""
        node = upid.split(":")[1]
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.session.get(f"{self.url}/api2/json/nodes/{node}/tasks/{upid}/status", timeout=30)
            if r.status_code == 200 and r.json()["data"]["status"] == "stopped":
                return r.json()["data"]["exitstatus"]
            time.sleep(0.05)
        raise AssertionError(f"task {upid} did not finish in {timeout}s")

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


@pytest.fixture(scope="session")
def sim_server():
    s = Sim()
    yield s
    s.stop()


@pytest.fixture
def sim(sim_server):
    """The shared server, reset to an empty cluster with quick tasks for each test."""
    sim_server.control("POST", "reset")
    sim_server.control("DELETE", "faults")
    sim_server.control("POST", "settings", {"all_tasks": 0.05, "resources_lag": 0, "agent_boot_delay": 0})
    return sim_server


@pytest.fixture
def fresh_sim():
    """A private server for tests that stop it or change its command line."""
    servers = []

    def start(*args, **kw):
        s = Sim(*args, **kw)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()
