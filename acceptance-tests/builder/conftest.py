"""End-to-end tests of the real sarga-build binary.

sarga-build: $SARGA_BUILD, else $SARGA_BUILD_DIR/builder/sarga-build (SARGA_BUILD_DIR defaults
to <repo>/build). pve-sim: $SARGA_PVE_SIM, else <build dir>/acceptance-tests/pve-sim/pve-sim.
The mmdebstrap bootstrap is cached under ~/.cache/sarga/rootfs (override with SARGA_CACHE_DIR),
so only the first run downloads from the Debian mirror.
"""

import os
import pathlib
import subprocess
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SARGA_BUILD_DIR", REPO / "build"))


@pytest.fixture(scope="session")
def sarga_build() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("SARGA_BUILD", build_dir() / "builder" / "sarga-build"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"sarga-build not found at {path}: build it, or set SARGA_BUILD / SARGA_BUILD_DIR")
    return path


@pytest.fixture(scope="session")
def pve_sim_bin() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("SARGA_PVE_SIM", build_dir() / "acceptance-tests" / "pve-sim" / "pve-sim"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"pve-sim not found at {path}: build it, or set SARGA_PVE_SIM")
    return path


class PveSim:
    def __init__(self, binary, token, cert_out):
        self.cert_file = cert_out
        self.proc = subprocess.Popen(
            [str(binary), "--listen", "127.0.0.1:0", "--token", token, "--cert-out", str(cert_out)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.info = {}
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            line = line.strip()
            if line == "ready":
                return
            if ": " in line:
                key, value = line.split(": ", 1)
                self.info[key] = value
        self.stop()
        raise RuntimeError(f"pve-sim did not become ready: {self.info}")

    @property
    def url(self):
        return self.info["url"]

    @property
    def fingerprint(self):
        return self.info["fingerprint"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def pve_sim(pve_sim_bin, tmp_path):
    sim = PveSim(pve_sim_bin, "root@pam!sarga=e2e-secret-5f2a", tmp_path / "pve-sim-cert.pem")
    yield sim
    sim.stop()

