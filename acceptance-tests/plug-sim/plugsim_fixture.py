"""Run plug-sim from tests: the PlugSim context manager, plus pytest fixtures.

    import sys; sys.path.insert(0, "<repo>/acceptance-tests/plug-sim")
    from plugsim_fixture import PlugSim

    with PlugSim(boot_delay=0.3) as sim:
        gen2 = sim.devices["shelly_gen2"]      # url, username, password, bastion, ...
        sim.fault("tasmota", "bad_auth")
        sim.power("shelly_gen1", True)          # out of band, to create drift
        sim.wait_state("shelly_gen1", bastion_open=True)
        sim.state()["shelly_gen1"]["power_w"]

pytest: `from plugsim_fixture import plug_sim, plug_sim_server` in a conftest.py gives a
module-wide simulator (`plug_sim_server`) and, per test, the same one reset (`plug_sim`).
Standard library only (urllib), so non-pytest scripts can use PlugSim too.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "plug-sim")
KINDS = ("home_assistant", "shelly_gen2", "shelly_gen1", "tasmota")


class PlugSimError(RuntimeError):
    pass


class PlugSim:
    """A plug-sim process on free loopback ports. Attributes once started: devices (kind ->
    the ready-file entry, plus bastion_host / bastion_port), control (the /_sim URL), info
    (the whole ready file)."""

    def __init__(self, boot_delay=0.3, listen="127.0.0.1:0", token=None, password=None,
                 auth=True, start_timeout=15):
        self.boot_delay = boot_delay
        self.listen = listen
        self.token = token
        self.password = password
        self.auth = auth
        self.start_timeout = start_timeout
        self.proc = None
        self.devices = {}
        self.control = None
        self.info = None
        self.returncode = None
        self._dir = None

    # ---- lifecycle
    def start(self):
        if self.proc is not None:
            raise PlugSimError("plug-sim already started")
        self._dir = tempfile.mkdtemp(prefix="plug-sim-")
        ready = os.path.join(self._dir, "ready.json")
        self._stderr = open(os.path.join(self._dir, "stderr.log"), "w+")
        args = [sys.executable, SCRIPT, "--listen", self.listen, "--ready-file", ready,
                "--boot-delay", str(self.boot_delay)]
        if self.token:
            args += ["--token", self.token]
        if self.password:
            args += ["--password", self.password]
        if not self.auth:
            args.append("--no-auth")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        deadline = time.monotonic() + self.start_timeout
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.stop()
                raise PlugSimError(f"plug-sim exited before 'ready' (rc {self.returncode}): "
                                   f"{''.join(lines)}{self._stderr_text()}")
            lines.append(line)
            if line.strip() == "ready":
                break
            if time.monotonic() > deadline:
                self.stop()
                raise PlugSimError(f"plug-sim not ready after {self.start_timeout}s: {''.join(lines)}")
        with open(ready) as f:
            self.info = json.load(f)
        self.control = self.info["control"]
        for entry in self.info["devices"]:
            host, _, port = entry["bastion"].rpartition(":")
            self.devices[entry["kind"]] = dict(entry, bastion_host=host, bastion_port=int(port))
        return self

    def stop(self):
        """SIGTERM, then wait; returncode is 0 after a clean stop."""
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.returncode = self.proc.returncode
        self.proc.stdout.close()
        self._stderr.close()
        shutil.rmtree(self._dir, ignore_errors=True)
        self.proc = None
        return self.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _stderr_text(self):
        try:
            self._stderr.flush()
            self._stderr.seek(0)
            return self._stderr.read()
        except ValueError:
            return ""

    # ---- control API
    def _control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.control}/{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as err:
            raise PlugSimError(f"{method} /_sim/{path}: HTTP {err.code}: {err.read().decode()}") from None

    def state(self, kind=None):
        """Per device: on, source, timer_deadline, timer_remaining, power_w, bastion_open, fault..."""
        state = self._control("GET", "state")
        return state[kind] if kind else state

    def fault(self, device, fault, delay_ms=0):
        """fault: unavailable | slow | bad_auth | none; device: a kind or "all"."""
        return self._control("POST", "faults", {"device": device, "fault": fault, "delay_ms": delay_ms})

    def clear_faults(self):
        return self.fault("all", "none")

    def power(self, device, on):
        """Switch a plug out of band (its button): no timer is armed."""
        return self._control("POST", "power", {"device": device, "on": on})

    def settings(self, boot_delay, device=None):
        body = {"boot_delay": boot_delay}
        if device:
            body["device"] = device
        return self._control("POST", "settings", body)

    def reset(self):
        """All plugs off, timers cancelled, faults cleared, boot delay back to the start value."""
        return self._control("POST", "reset", {})

    def requests(self, kind=None):
        """Recent requests per device: method, path (secrets redacted), status (0 = dropped)."""
        log = self._control("GET", "requests")
        return log[kind] if kind else log

    # ---- waiting helpers
    def wait_state(self, kind, timeout=10, **expected):
        """Poll /_sim/state until every key=value in expected holds for the device."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.state(kind)
            if all(current.get(k) == v for k, v in expected.items()):
                return current
            if time.monotonic() > deadline:
                raise AssertionError(f"{kind}: {expected} not reached in {timeout}s; state {current}")
            time.sleep(0.05)

    def bastion_accepts(self, kind, timeout=1.0):
        """True when a TCP connect to the device's bastion succeeds right now."""
        d = self.devices[kind]
        try:
            with socket.create_connection((d["bastion_host"], d["bastion_port"]), timeout=timeout):
                return True
        except OSError:
            return False


try:
    import pytest
except ImportError:  # PlugSim stays usable outside pytest
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="module")
    def plug_sim_server():
        sim = PlugSim(boot_delay=0.3).start()
        yield sim
        sim.stop()

    @pytest.fixture
    def plug_sim(plug_sim_server):
        """The module's simulator, reset (all off, no faults, no timers) for this test."""
        plug_sim_server.reset()
        yield plug_sim_server
        plug_sim_server.reset()
