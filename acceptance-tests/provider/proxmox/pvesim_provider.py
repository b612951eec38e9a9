"""pve-sim for the provider's Proxmox tests and benchmarks: the pve-sim test suite's launcher
(acceptance-tests/pve-sim/tests/pvesim_fixture.py) with an API that returns `data`, the
control endpoints as methods, and quick task timing. A module of its own so tests and
bench/ can import it (every test folder has a module named conftest)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "pve-sim" / "tests"))
from pvesim_fixture import TOKEN_ID, Sim  # noqa: E402

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


class PveApiError(AssertionError):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path}: HTTP {status}: {body}")
        self.status = status
        self.body = body


class PveSim(Sim):
    """A pve-sim with an API token only (add --root-password through extra_args)."""

    def __init__(self, extra_args=()):
        super().__init__(extra_args, token=f"{TOKEN_ID}={TOKEN_SECRET}", seed=7, root_password=None)
        self.baseline = dict(FAST_TIMING)
        self.settings(self.baseline)

    def api(self, method, path, **params):
        """Calls /api2/json<path> with params (query for GET/DELETE, form otherwise) -> data."""
        method = method.upper()
        kw = {"params": params} if method in ("GET", "DELETE") else {"data": params}
        r = super().api(method, path, **kw)
        if r.status_code != 200:
            raise PveApiError(method, path, r.status_code, r.text)
        return r.json().get("data")

    def faults(self, plan):
        return self.control("POST", "faults", plan)

    def clear_faults(self):
        return self.control("DELETE", "faults")

    def settings(self, values=None):
        return self.control("POST", "settings", values) if values else self.control("GET", "settings")

    def reset(self):
        """Empty cluster, faults cleared, quick timing again."""
        self.control("POST", "reset")
        self.settings(self.baseline)

    def seed_guests(self, count, first_vmid=1000):
        return self.control("POST", "seed-guests", {"count": count, "first_vmid": first_vmid})

    def snapshot(self):
        return self.control("GET", "snapshot")
