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
import pytest

from pvesim_provider import PveSim
from scenarios import make_vm_template


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


@pytest.fixture
def pve_template(pve_sim):
    """Factory: pve_template(vmid=9000, name="tmpl-noble", ...) -> vmid of a fresh template."""
    def make(vmid=9000, name="tmpl-noble", **kw):
        return make_vm_template(pve_sim, vmid, name, **{"disk_gb": 4, "tags": None, "cloud_init": True, **kw})
    return make
