"""Fixtures for the bastion power tests: plug-sim, one per test module and reset around
each test (`plug_sim`); HCL helpers live in bastion_hcl.py."""

import sys
from pathlib import Path

PLUG_SIM_DIR = Path(__file__).resolve().parents[2] / "plug-sim"
sys.path.insert(0, str(PLUG_SIM_DIR))

from plugsim_fixture import plug_sim, plug_sim_server  # noqa: E402,F401  (fixtures)
