"""Fixtures for plug-sim's own tests: plugsim_fixture.py (one folder up) does the work."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from plugsim_fixture import plug_sim, plug_sim_server  # noqa: E402,F401
