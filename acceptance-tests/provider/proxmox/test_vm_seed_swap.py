"""Pain point 8: a new cloud-init seed ISO (another volume) swaps the VM's cdrom in place and
reboots it, instead of replacing the VM."""


def upload_iso(sim, name, payload):
    r = sim.session.post(f"{sim.url}/api2/json/nodes/pve1/storage/local/upload",
                         data={"content": "iso"}, files={"filename": (name, payload, "application/octet-stream")},
                         timeout=30)
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"
    return f"local:iso/{name}"


SEEDED = """
resource "sarga_vm" "s" {{
  node       = "pve1"
  vmid       = 170
  disks      = {{ scsi0 = {{ storage = "local-lvm", size_gb = 1 }} }}
  network    = {{ net0 = {{ bridge = "vmbr0" }} }}
  cloud_init = {{ seed_volume = "{volume}" }}
}}
"""


def test_vm_pain8_seed_volume_change_swaps_cdrom_in_place(pve_sim, pve_workspace):
    pve_sim.reset()
    a = upload_iso(pve_sim, "seed-a.iso", b"A" * 4096)
    b = upload_iso(pve_sim, "seed-b.iso", b"B" * 4096)
    ws = pve_workspace
    ws.write(SEEDED.format(volume=a))
    ws.init()
    ws.apply()
    cfg = pve_sim.api("GET", "/nodes/pve1/qemu/170/config")
    assert cfg["ide2"].startswith(a) and "media=cdrom" in cfg["ide2"], cfg
    ws.assert_no_changes()
    tasks_before = {t["upid"] for t in pve_sim.api("GET", "/nodes/pve1/tasks", limit=500)}

    ws.write(SEEDED.format(volume=b))
    plan = ws.plan(expect=2).stdout
    assert "update in-place" in plan and "must be replaced" not in plan, plan
    ws.apply()
    cfg = pve_sim.api("GET", "/nodes/pve1/qemu/170/config")
    assert cfg["ide2"].startswith(b), cfg
    new_tasks = [t for t in pve_sim.api("GET", "/nodes/pve1/tasks", limit=500) if t["upid"] not in tasks_before]
    assert any(t["type"] == "qmreboot" for t in new_tasks), new_tasks  # the guest boots from the new seed
    assert not any(t["type"] in ("qmcreate", "qmdestroy") for t in new_tasks), new_tasks
    ws.assert_no_changes()
    ws.destroy()
