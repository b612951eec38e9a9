"""End-to-end tests of the real sarga-build binary.

sarga-build: $SARGA_BUILD, else $SARGA_BUILD_DIR/builder/sarga-build (SARGA_BUILD_DIR defaults
to <repo>/build). pve-sim: the pve-sim suite's launcher (pve-sim/tests/pvesim_fixture.py:
$SARGA_PVE_SIM, else <build dir>/acceptance-tests/pve-sim/pve-sim).
The mmdebstrap bootstrap is cached under ~/.cache/sarga/rootfs (override with SARGA_CACHE_DIR),
so only the first run downloads from the Debian mirror.

The VM image built once per session (fixture `vm_image`) lives in ../conftest.py: the provider's
handoff test uses the same build and pve-sim.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pve-sim" / "tests"))
from pvesim_fixture import TOKEN_ID, Sim  # noqa: E402

from builder_run import find_sarga_build  # noqa: E402

# The sim's own throw-away token; the tests check that its secret never reaches the output.
PVE_TOKEN = f"{TOKEN_ID}=e2e-secret-5f2a"


@pytest.fixture(scope="session")
def sarga_build() -> Path:
    path = find_sarga_build()
    if not os.access(path, os.X_OK):
        pytest.fail(f"sarga-build not found at {path}: build it, or set SARGA_BUILD / SARGA_BUILD_DIR")
    return path


@pytest.fixture
def pve_sim():
    sim = Sim(token=PVE_TOKEN)
    yield sim
    sim.stop()
