"""A sarga_cloudinit_seed in Proxmox mode attached to a sarga_vm (cloud_init.seed_volume):
changing user_data uploads a new ISO and the VM swaps its cdrom in place, it is not replaced.
The previous ISO, still attached while the seed updates, is removed by the seed's next apply."""
from lxc_support import volumes

HCL = """
resource "sarga_cloudinit_seed" "web" {{
  hostname  = "web-01"
  user_data = "#cloud-config\\npackages: [{packages}]\\n"
  node      = "pve1"
  storage   = "local"
}}

resource "sarga_vm" "web" {{
  node       = "pve1"
  vmid       = 4401
  disks      = {{ scsi0 = {{ storage = "local-lvm", size_gb = 1 }} }}
  network    = {{ net0 = {{ bridge = "vmbr0" }} }}
  cloud_init = {{ seed_volume = sarga_cloudinit_seed.web.volume_id }}
}}
"""


def test_user_data_change_swaps_the_cdrom_without_replacing_the_vm(pve_sim, pve_workspace):
    ws = pve_workspace
    ws.write(HCL.format(packages="nginx"))
    ws.init()
    ws.apply()
    first = ws.resources()["sarga_cloudinit_seed.web"]["volume_id"]
    cfg = pve_sim.api("GET", "/nodes/pve1/qemu/4401/config")
    assert cfg["ide2"].startswith(first + ",") and "media=cdrom" in cfg["ide2"], cfg
    ws.assert_no_changes()

    ws.write(HCL.format(packages="nginx, git"))
    plan = ws.plan(expect=2).stdout
    # The seed's new volume id is known at plan time, so the VM's change shows in the plan.
    assert "0 to add, 2 to change, 0 to destroy" in plan, plan
    assert "must be replaced" not in plan, plan
    ws.apply()
    second = ws.resources()["sarga_cloudinit_seed.web"]["volume_id"]
    assert second != first
    cfg = pve_sim.api("GET", "/nodes/pve1/qemu/4401/config")
    assert cfg["ide2"].startswith(second + ","), cfg
    assert int(cfg.get("vmid", 4401)) == 4401
    ws.assert_no_changes()

    # The first ISO was attached while the seed updated: kept then, removed by the next change.
    ws.write(HCL.format(packages="htop"))
    ws.apply()
    third = ws.resources()["sarga_cloudinit_seed.web"]["volume_id"]
    isos = volumes(pve_sim, "pve1", "local", content="iso")
    assert first not in isos, sorted(isos)
    assert third in isos
    ws.assert_no_changes()
    ws.destroy()
    isos = volumes(pve_sim, "pve1", "local", content="iso")
    assert not [v for v in isos if "sarga-seed-web-01-" in v], sorted(isos)
