"""examples/homelab applied against pve-sim: servers cloned onto the three nodes in two
VLANs, a GPU worker (hostpci by mapping), an LXC from the newest published template."""
import shutil

from sarga_tofu import REPO
from scenarios import disk_volumes, guests, upload_vztmpl

EXAMPLE = REPO / "examples" / "homelab"


def copy_example(ws):
    shutil.copytree(EXAMPLE, ws.path, dirs_exist_ok=True)
    return ws


def publish_templates(pve_sim):
    """What sarga-build's proxmox post-processor leaves on pve1/local: two versions."""
    old = upload_vztmpl(pve_sim, "pve1", "local", "debian-12-hardened_0.9_amd64.tar.gz")
    new = upload_vztmpl(pve_sim, "pve1", "local", "debian-12-hardened_1.0_amd64.tar.gz")
    return old, new


def net0(config):
    return dict(kv.split("=", 1) for kv in config["net0"].split(",") if "=" in kv)


def test_homelab_example_applies_plans_empty_and_destroys(pve_sim, pve_workspace):
    pve_sim.reset()
    _, newest = publish_templates(pve_sim)
    ws = copy_example(pve_workspace)
    ws.init()
    proc = ws.apply()
    assert "Apply complete! Resources: 6 added, 0 changed, 0 destroyed." in proc.stdout, proc.stdout
    out = ws.outputs()

    cluster = guests(pve_sim)
    by_name = {g["name"]: (vmid, g) for vmid, g in cluster.items()}
    assert set(by_name) == {"debian-12-golden", "dns-1", "dns-2", "jellyfin", "gpu-worker", "pihole"}, by_name

    golden_vmid, golden = by_name["debian-12-golden"]
    assert golden["template"] and golden["node"] == "pve1"
    cfg = pve_sim.api("GET", f"/nodes/pve1/qemu/{golden_vmid}/config")
    assert cfg["scsi0"].startswith("nfs:"), cfg["scsi0"]

    expect = {"dns-1": ("pve1", "10", "10.0.10.11/24"), "dns-2": ("pve2", "10", "10.0.10.12/24"),
              "jellyfin": ("pve3", "20", "10.0.20.21/24")}
    for name, (node, tag, ip) in expect.items():
        vmid, g = by_name[name]
        assert g["node"] == node and g["status"] == "running", (name, g)
        cfg = pve_sim.api("GET", f"/nodes/{node}/qemu/{vmid}/config")
        assert net0(cfg).get("tag") == tag, (name, cfg["net0"])
        assert f"ip={ip}" in cfg["ipconfig0"], (name, cfg.get("ipconfig0"))
        assert cfg["scsi0"].startswith("local-lvm:"), (name, cfg["scsi0"])
        assert out["servers"][name] == f"{node}/{vmid}"

    gpu_vmid, gpu = by_name["gpu-worker"]
    cfg = pve_sim.api("GET", f"/nodes/pve3/qemu/{gpu_vmid}/config")
    assert "mapping=gpu0" in cfg["hostpci0"], cfg["hostpci0"]
    assert net0(cfg).get("tag") == "20"

    ct_vmid, ct = by_name["pihole"]
    assert ct["kind"] == "lxc" and ct["node"] == "pve1" and ct["status"] == "running"
    assert out["pihole"]["template"] == newest, out["pihole"]
    cfg = pve_sim.api("GET", f"/nodes/pve1/lxc/{ct_vmid}/config")
    assert "tag=10" in cfg["net0"] and "ip=10.0.10.53/24" in cfg["net0"], cfg["net0"]

    ws.assert_no_changes()
    proc = ws.destroy()
    assert "Destroy complete! Resources: 6 destroyed." in proc.stdout, proc.stdout
    assert not guests(pve_sim)
    assert not disk_volumes(pve_sim)


def test_homelab_example_takes_the_connection_from_variables(pve_sim, make_workspace):
    """Same example, no SARGA_PROXMOX_* in the environment: the variables carry it."""
    pve_sim.reset()
    publish_templates(pve_sim)
    ws = copy_example(make_workspace("vars"))
    ws.env = dict(ws.env, TF_VAR_proxmox_endpoint=pve_sim.url, TF_VAR_proxmox_api_token=pve_sim.token,
                  TF_VAR_proxmox_fingerprint=pve_sim.fingerprint)
    ws.init()
    proc = ws.plan(expect=2)
    assert "Plan: 6 to add, 0 to change, 0 to destroy." in proc.stdout, proc.stdout
    # And without either, the error says what is missing instead of guessing.
    ws.env = {k: v for k, v in ws.env.items() if not k.startswith("TF_VAR_proxmox")}
    proc = ws.plan(expect=1)
    text = " ".join(proc.stderr.split())
    assert "PROXMOX_ENDPOINT" in text or "PROXMOX_VE_ENDPOINT" in text, proc.stderr
