"""Fixtures shared by more than one test folder.

vm_image  session scope: the one real build of examples/images/debian12-vm-hardened.pkr.hcl,
          booted under QEMU and published to a pve-sim (builder/vm_image_build.py). The builder
          tests check the image; provider/proxmox/test_image_handoff.py clones the template
          with tofu from the same sim. Requesting it costs one build (minutes under TCG).
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "builder"))
from vm_image_build import VmImageSession  # noqa: E402


@pytest.fixture(scope="session")
def vm_image(tmp_path_factory):
    session = VmImageSession(tmp_path_factory.mktemp("vm-image"))
    yield session
    session.stop()
