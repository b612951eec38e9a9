"""Pain point 15: a container migrated outside OpenTofu (HA, by hand) is found on its new node and
never replaced; the plan asks to follow the move instead."""
from lxc_support import upload_vztmpl

HCL = """
resource "sarga_lxc" "db" {{
  node     = "{node}"
  vmid     = 4601
  template = "{template}"
  rootfs   = {{ storage = "nfs", size_gb = 2 }}
  started  = false
}}
"""


def move_guest(sim, vmid, node):
    """What a migration leaves behind, done through the simulator's state snapshot."""
    snap = sim.snapshot()
    for g in snap["guests"]:
        if int(g["vmid"]) == vmid:
            g["node"] = node
    r = sim.session.post(sim.url + "/_sim/restore", json=snap, timeout=30)
    assert r.status_code == 200, r.text


def test_migrated_container_is_followed_not_replaced(pve_sim, pve_workspace):
    ws = pve_workspace
    template = upload_vztmpl(pve_sim, "migrate.tar.gz", storage="nfs")
    ws.write(HCL.format(node="pve1", template=template))
    ws.init()
    ws.apply()
    move_guest(pve_sim, 4601, "pve2")

    proc = ws.plan(expect=1)
    text = " ".join(proc.stderr.split())
    assert "Container moved to another node" in text, text
    assert 'now runs on pve2 (migrated outside OpenTofu, it was on pve1). Set node = "pve2"' in text, text

    ws.write(HCL.format(node="pve2", template=template))
    ws.apply()
    state = ws.resources()["sarga_lxc.db"]
    assert state["node"] == "pve2" and state["id"] == "pve2/4601"
    ws.assert_no_changes()
    ws.destroy()
    assert all(int(c["vmid"]) != 4601 for c in pve_sim.api("GET", "/nodes/pve2/lxc"))
