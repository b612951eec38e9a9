"""The doc examples of sarga_lxc (examples/lxc), sarga_nodes (examples/nodes) and sarga_template
(examples/template) apply against pve-sim, then plan empty."""
import shutil
import time

from lxc_support import ct_config, upload_vztmpl
from sarga_tofu import REPO
from scenarios import make_vm_template


def example_workspace(make_workspace, pve_env, name):
    ws = make_workspace(name)
    ws.env = dict(ws.env, **pve_env)
    shutil.copytree(REPO / "examples" / name, ws.path, dirs_exist_ok=True)
    ws.init()
    return ws


def test_lxc_example(pve_sim, make_workspace, pve_env):
    upload_vztmpl(pve_sim, "debian-12-standard_12.7-1_amd64.tar.gz")
    ws = example_workspace(make_workspace, pve_env, "lxc")
    ws.apply()
    web = ws.outputs()["web"]
    node, vmid = web["id"].split("/")
    cfg = ct_config(pve_sim, node, int(vmid))
    assert cfg["hostname"] == "web-01" and "mp=/srv/data" in cfg["mp0"]
    assert web["status"] == "running"  # data source sarga_lxc, looked up by vmid
    ws.assert_no_changes()
    ws.destroy()


def test_nodes_example(pve_sim, make_workspace, pve_env):
    ws = example_workspace(make_workspace, pve_env, "nodes")
    ws.apply()
    out = ws.outputs()
    assert out["online_nodes"] == ["pve1", "pve2", "pve3"]
    assert all(v > 0 for v in out["memory_gib"].values())


def test_template_example(pve_sim, make_workspace, pve_env):
    upload_vztmpl(pve_sim, "debian-12-hardened_1.0_amd64.tar.gz")
    time.sleep(1.1)
    newest = upload_vztmpl(pve_sim, "debian-12-hardened_1.1_amd64.tar.gz")
    make_vm_template(pve_sim, 9301, "golden-debian-12-20261101", tags="golden")
    ws = example_workspace(make_workspace, pve_env, "template")
    ws.apply()
    out = ws.outputs()
    assert out["ct_template"] == newest
    assert out["vm_template"]["vmid"] == 9301 and out["vm_template"]["node"] == "pve1"
