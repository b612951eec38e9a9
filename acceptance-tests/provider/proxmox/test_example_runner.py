"""examples/runner: a CI runner container on the "ops" cluster and a canary VM on the "lab"
cluster it manages, through two provider aliases (two pve-sim processes)."""
import shutil

import pytest

from sarga_tofu import REPO
from scenarios import disk_volumes, guests, upload_vztmpl

EXAMPLE = REPO / "examples" / "runner"


@pytest.fixture
def lab_sim(pve_sim):
    """A second, independent cluster (same fixture class as pve_sim)."""
    sim = type(pve_sim)()
    yield sim
    sim.stop()


def test_runner_example_spans_two_clusters(pve_sim, lab_sim, make_workspace):
    ops = pve_sim
    ops.reset()
    template = upload_vztmpl(ops, "pve1", "local", "debian-12-ci-runner_1.0_amd64.tar.gz")
    ws = make_workspace("runner")
    shutil.copytree(EXAMPLE, ws.path, dirs_exist_ok=True)
    # Only variables: no SARGA_PROXMOX_* in the environment, each alias has its own cluster.
    ws.env = dict(ws.env,
                  TF_VAR_ops_endpoint=ops.url, TF_VAR_ops_api_token=ops.token,
                  TF_VAR_ops_fingerprint=ops.fingerprint,
                  TF_VAR_lab_endpoint=lab_sim.url, TF_VAR_lab_api_token=lab_sim.token,
                  TF_VAR_lab_fingerprint=lab_sim.fingerprint)
    ws.init()
    proc = ws.apply()
    assert "Resources: 2 added" in proc.stdout, proc.stdout
    out = ws.outputs()
    assert out["lab_nodes"] == ["pve1", "pve2", "pve3"]

    ops_guests, lab_guests = guests(ops), guests(lab_sim)
    assert [g["kind"] for g in ops_guests.values()] == ["lxc"], ops_guests
    assert [g["kind"] for g in lab_guests.values()] == ["qemu"], lab_guests
    (runner_vmid, runner), = ops_guests.items()
    assert runner["name"] == "ci-runner-1" and runner["status"] == "running"
    assert out["runner"] == f"pve1/{runner_vmid}"
    cfg = ops.api("GET", f"/nodes/pve1/lxc/{runner_vmid}/config")
    assert "nesting=1" in cfg["features"] and "keyctl=1" in cfg["features"], cfg["features"]
    assert "/srv/runner/cache" in cfg["mp0"], cfg["mp0"]
    assert lab_sim.url in cfg["description"] and "pve1, pve2, pve3" in cfg["description"]
    (canary_vmid, canary), = lab_guests.items()
    assert canary["name"] == "ci-canary" and out["lab_canary"] == f"pve1/{canary_vmid}"
    assert ws.resources()["data.sarga_template.runner"]["volume_id"] == template

    ws.assert_no_changes()
    ws.destroy()
    assert not guests(ops) and not guests(lab_sim)
    assert not disk_volumes(ops) and not disk_volumes(lab_sim)
