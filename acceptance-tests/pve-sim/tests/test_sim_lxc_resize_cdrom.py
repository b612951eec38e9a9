"""LXC volume resize (grow only, a task) and ISOs in cdrom drives, which PVE detaches instead of
keeping them as unused disks (so the ISO can be deleted once no guest attaches it)."""


def upload(sim, content, name, data):
    r = sim.api("POST", "/nodes/pve1/storage/local/upload", data={"content": content}, files={"filename": (name, data)})
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"


def test_lxc_resize_grows_rootfs_and_mount_points(sim):
    upload(sim, "vztmpl", "debian.tar.gz", b"t")
    r = sim.api("POST", "/nodes/pve1/lxc", data={"vmid": 220, "ostemplate": "local:vztmpl/debian.tar.gz",
                                                 "rootfs": "local-lvm:2", "mp0": "local-lvm:1,mp=/data"})
    assert sim.wait_task(r.json()["data"]) == "OK"
    r = sim.api("PUT", "/nodes/pve1/lxc/220/resize", data={"disk": "rootfs", "size": "3G"})
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"
    r = sim.api("PUT", "/nodes/pve1/lxc/220/resize", data={"disk": "mp0", "size": "+1G"})
    assert sim.wait_task(r.json()["data"]) == "OK"
    cfg = sim.api("GET", "/nodes/pve1/lxc/220/config").json()["data"]
    assert cfg["rootfs"].startswith("local-lvm:vm-220-disk-") and cfg["rootfs"].endswith(",size=3G"), cfg
    assert cfg["mp0"].startswith("local-lvm:vm-220-disk-") and cfg["mp0"].endswith(",mp=/data,size=2G"), cfg
    r = sim.api("PUT", "/nodes/pve1/lxc/220/resize", data={"disk": "rootfs", "size": "1G"})
    assert r.status_code == 500 and r.reason == "unable to shrink disk size"
    r = sim.api("PUT", "/nodes/pve1/lxc/220/resize", data={"disk": "mp3", "size": "1G"})
    assert r.status_code == 500 and "mp3 does not exist" in r.reason


def test_cdrom_iso_is_detached_not_kept_unused(sim):
    upload(sim, "iso", "a.iso", b"A")
    upload(sim, "iso", "b.iso", b"B")
    r = sim.api("POST", "/nodes/pve1/qemu", data={"vmid": 230, "ide2": "local:iso/a.iso,media=cdrom",
                                                  "scsi0": "local-lvm:1"})
    assert sim.wait_task(r.json()["data"]) == "OK"
    r = sim.api("DELETE", "/nodes/pve1/storage/local/content/local:iso/a.iso")
    assert r.status_code == 500 and "used by guest 230" in r.reason
    # Swapping the ISO detaches the old one.
    assert sim.api("PUT", "/nodes/pve1/qemu/230/config", data={"ide2": "local:iso/b.iso,media=cdrom"}).status_code == 200
    cfg = sim.api("GET", "/nodes/pve1/qemu/230/config").json()["data"]
    assert not [k for k in cfg if k.startswith("unused")], cfg
    r = sim.api("DELETE", "/nodes/pve1/storage/local/content/local:iso/a.iso")
    assert r.status_code == 200, r.text
    # Removing the drive detaches it too; a real disk still becomes unused.
    r = sim.api("PUT", "/nodes/pve1/qemu/230/config", data={"delete": "ide2,scsi0"})
    assert r.status_code == 200, r.text
    cfg = sim.api("GET", "/nodes/pve1/qemu/230/config").json()["data"]
    assert cfg.get("unused0", "").startswith("local-lvm:vm-230-disk-") and "unused1" not in cfg, cfg
    assert sim.api("DELETE", "/nodes/pve1/storage/local/content/local:iso/b.iso").status_code == 200
