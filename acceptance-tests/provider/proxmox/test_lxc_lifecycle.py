"""sarga_lxc with real tofu against pve-sim: create from a vztmpl volume, grow volumes in place,
refuse shrinks at plan time, add a mount point to a running container, tag case, stop/start,
destroy (stop, then purge). Every successful apply is followed by an empty plan."""
import re

from lxc_support import ct_config, ct_status, prop, upload_vztmpl, volumes

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVzYXJnYXRlc3RrZXlmb3JhY2NlcHRhbmNldGVzdHM test@sarga"


def hcl(template, rootfs=4, mp0=2, extra_mp="", tags='["Web", "prod"]', started="true", pool='"lab"'):
    return f"""
resource "sarga_lxc" "web" {{
  node         = "pve1"
  hostname     = "web-01"
  template     = "{template}"
  unprivileged = true
  features     = {{ nesting = true }}
  cores        = 2
  memory       = 1024
  swap         = 256
  rootfs       = {{ storage = "local-lvm", size_gb = {rootfs} }}
  mount_points = {{
    mp0 = {{ storage = "local-lvm", size_gb = {mp0}, path = "/data", backup = true }}
    {extra_mp}
  }}
  network = {{
    eth0 = {{ bridge = "vmbr0", vlan = 20, ipv4 = "dhcp" }}
    mgmt = {{ bridge = "vmbr0", ipv4 = "10.0.0.5/24", gateway4 = "10.0.0.1", firewall = true }}
  }}
  ssh_public_keys = ["{KEY}"]
  password        = "correct-horse-battery"
  tags            = {tags}
  pool            = {pool}
  description     = "managed by sarga"
  started         = {started}
  vmid_range      = {{ from = 3000, to = 3999 }}
}}
output "vmid" {{ value = sarga_lxc.web.vmid }}
output "mac"  {{ value = sarga_lxc.web.network["eth0"].mac }}
"""


def test_lxc_lifecycle(pve_sim, pve_workspace):
    ws = pve_workspace
    template = upload_vztmpl(pve_sim, "debian-12-lifecycle_1.0_amd64.tar.gz")
    pve_sim.api("POST", "/pools", poolid="lab")

    ws.write(hcl(template))
    ws.init()
    ws.apply()
    out = ws.outputs()
    vmid = int(out["vmid"])
    assert 3000 <= vmid <= 3999
    assert re.fullmatch(r"[0-9A-F]{2}(:[0-9A-F]{2}){5}", out["mac"]), out["mac"]
    cfg = ct_config(pve_sim, "pve1", vmid)
    assert cfg["hostname"] == "web-01"
    assert int(cfg["unprivileged"]) == 1
    assert prop(cfg["features"], "nesting") == "1"
    assert int(cfg["cores"]) == 2 and int(cfg["memory"]) == 1024 and int(cfg["swap"]) == 256
    assert prop(cfg["rootfs"], "size") == "4G"
    assert prop(cfg["mp0"], "mp") == "/data" and prop(cfg["mp0"], "size") == "2G"
    nets = {prop(v, "name"): v for k, v in cfg.items() if k.startswith("net")}
    assert prop(nets["eth0"], "tag") == "20" and prop(nets["eth0"], "ip") == "dhcp"
    assert prop(nets["mgmt"], "gw") == "10.0.0.1" and prop(nets["mgmt"], "firewall") == "1"
    assert cfg["tags"] == "prod;web"  # PVE lower-cases container tags
    assert "password" not in cfg
    assert ct_status(pve_sim, "pve1", vmid) == "running"
    pool = pve_sim.api("GET", "/pools/lab")
    assert any(int(m.get("vmid", 0)) == vmid for m in pool["members"]), pool
    state = ws.resources()["sarga_lxc.web"]
    assert state["id"] == f"pve1/{vmid}"
    assert state["password"] is None  # write-only: never stored
    assert sorted(state["tags"]) == ["Web", "prod"]
    ws.assert_no_changes()

    # Grow rootfs and mp0 in place: same container, new sizes.
    ws.write(hcl(template, rootfs=6, mp0=3))
    plan = ws.plan(expect=2).stdout
    assert "1 to change, 0 to destroy" in plan, plan
    ws.apply()
    cfg = ct_config(pve_sim, "pve1", vmid)
    assert prop(cfg["rootfs"], "size") == "6G" and prop(cfg["mp0"], "size") == "3G"
    ws.assert_no_changes()

    # Another pool: membership moves, the container stays.
    pve_sim.api("POST", "/pools", poolid="lab2")
    ws.write(hcl(template, rootfs=6, mp0=3, pool='"lab2"'))
    ws.apply()
    assert any(int(m.get("vmid", 0)) == vmid for m in pve_sim.api("GET", "/pools/lab2")["members"])
    assert not any(int(m.get("vmid", 0)) == vmid for m in pve_sim.api("GET", "/pools/lab")["members"])
    ws.write(hcl(template, rootfs=6, mp0=3))
    ws.apply()
    ws.assert_no_changes()

    # Shrinking is refused at plan time, naming the attribute; nothing is replaced.
    ws.write(hcl(template, rootfs=6, mp0=1))
    proc = ws.plan(expect=1)
    assert "mount_points.mp0.size_gb: shrinking from 3 to 1 GiB" in proc.stderr, proc.stderr
    ws.write(hcl(template, rootfs=2, mp0=3))
    proc = ws.plan(expect=1)
    assert "shrinking from 6 to 2 GiB" in proc.stderr, proc.stderr

    # A mount point added to the running container (PVE leaves it pending): applied by a restart.
    ws.write(hcl(template, rootfs=6, mp0=3, extra_mp='mp1 = { storage = "local-lvm", size_gb = 1, path = "/logs" }'))
    plan = ws.plan(expect=2).stdout
    assert "must be replaced" not in plan and "1 to change, 0 to destroy" in plan, plan
    ws.apply()
    cfg = ct_config(pve_sim, "pve1", vmid)
    assert prop(cfg["mp1"], "mp") == "/logs"
    assert pve_sim.api("GET", f"/nodes/pve1/lxc/{vmid}/pending") is not None
    pending = [p for p in pve_sim.api("GET", f"/nodes/pve1/lxc/{vmid}/pending") if "pending" in p or "delete" in p]
    assert pending == [], pending
    assert ct_status(pve_sim, "pve1", vmid) == "running"
    ws.assert_no_changes()

    # Respelling the tags in the configuration records the new spelling once (PVE keeps its
    # lower-case copy untouched); no perpetual diff follows.
    ws.write(hcl(template, rootfs=6, mp0=3, extra_mp='mp1 = { storage = "local-lvm", size_gb = 1, path = "/logs" }',
                 tags='["PROD", "web"]'))
    digest = ct_config(pve_sim, "pve1", vmid)["digest"]
    ws.apply()
    assert ct_config(pve_sim, "pve1", vmid)["digest"] == digest  # nothing written to PVE
    ws.assert_no_changes()

    # Stop, then destroy: the container and its volumes are gone.
    ws.write(hcl(template, rootfs=6, mp0=3, extra_mp='mp1 = { storage = "local-lvm", size_gb = 1, path = "/logs" }',
                 started="false"))
    ws.apply()
    assert ct_status(pve_sim, "pve1", vmid) == "stopped"
    ws.assert_no_changes()
    ws.write(hcl(template, rootfs=6, mp0=3, extra_mp='mp1 = { storage = "local-lvm", size_gb = 1, path = "/logs" }'))
    ws.apply()
    assert ct_status(pve_sim, "pve1", vmid) == "running"
    ws.destroy()
    assert all(int(c["vmid"]) != vmid for c in pve_sim.api("GET", "/nodes/pve1/lxc"))
    assert not [v for v in volumes(pve_sim, "pve1", "local-lvm") if f"-{vmid}-" in v]
