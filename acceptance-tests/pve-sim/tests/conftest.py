"""pytest fixtures for pve-sim: see pvesim_fixture.py (a unique module name, so other test
folders' conftest.py files cannot shadow the helpers)."""
from pvesim_fixture import fresh_sim, sim, sim_server  # noqa: F401
