"""examples/vm (the sarga_vm doc example) applies against pve-sim, plans nothing afterwards
and destroys cleanly."""
import shutil

from sarga_tofu import REPO
from scenarios import guests


def test_vm_doc_example(pve_sim, pve_workspace, pve_template):
    pve_sim.reset()
    pve_template(vmid=9100, name="debian-12-cloud", disk_gb=4)
    ws = pve_workspace
    shutil.copytree(REPO / "examples" / "vm", ws.path, dirs_exist_ok=True)
    ws.init()
    ws.apply("-parallelism=4")
    out = ws.outputs()["web"]
    assert sorted(out) == ["web-1", "web-2"]
    for name, vm in out.items():
        vmid = int(vm["id"].split("/")[1])
        assert 2000 <= vmid <= 2099
        assert vm["ipv4"], vm
        cfg = pve_sim.api("GET", f"/nodes/pve1/qemu/{vmid}/config")
        assert "size=16G" in cfg["scsi0"] and "size=32G" in cfg["scsi1"], cfg
        assert cfg["ciuser"] == "admin"
    ws.assert_no_changes()
    ws.destroy()
    assert set(guests(pve_sim)) == {9100}


def test_vm_data_source_doc_example(pve_sim, pve_workspace, pve_template):
    pve_sim.reset()
    pve_template(vmid=9101, name="debian-12-cloud", node="pve2", disk_gb=2)
    pve_sim.api("PUT", "/nodes/pve2/qemu/9101/config", tags="golden;debian")
    ws = pve_workspace
    shutil.copytree(REPO / "examples" / "data-sources" / "sarga_vm", ws.path, dirs_exist_ok=True)
    ws.init()
    ws.apply()
    assert ws.outputs()["golden"] == {"id": "pve2/9101", "template": True}
    app = ws.resources()["sarga_vm.app"]
    assert app["node"] == "pve2" and app["name"] == "app-1"
    ws.assert_no_changes()
    ws.destroy()
    assert set(guests(pve_sim)) == {9101}
