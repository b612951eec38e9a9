"""sarga_vm clones with real tofu against pve-sim: full and linked, by name and by VMID, disks
grown right after the clone, the template's cloud-init drive kept, VMIDs from a range while
two tofu processes race. Pain points 1, 2, 11, 14, 19 are named where they are checked."""
import concurrent.futures

from scenarios import guests, orphans

CLONE = """
resource "sarga_vm" "c" {{
  node  = "pve1"
  name  = "{name}"
  clone = {{ {source}, full = {full} }}
{body}
}}
"""


def test_vm_clone_by_name_grows_disk_and_keeps_cloud_init(pve_sim, pve_workspace, pve_template):
    pve_sim.reset()
    pve_template(vmid=9000, name="tmpl-noble", disk_gb=4)
    pve_sim.api("PUT", "/nodes/pve1/qemu/9000/config", description="golden image")
    ws = pve_workspace
    # Pain point 14: only what is set is managed; the description, cores, the net0 MAC and
    # the cloud-init drive come from the template and the plan after apply is empty.
    # Pain point 11: scsi0 grows from the template's 4 GiB to 10 right after the clone.
    body = """
  disks      = { scsi0 = { size_gb = 10 } }
  cloud_init = { user = "ops", ipconfig = { net0 = { ipv4 = "dhcp" } } }
  agent      = { enabled = true, wait_for_ip = { timeout = "20s", family = "ipv4" } }
"""
    ws.write(CLONE.format(name="from-name", source='source_name = "tmpl-noble"', full="true", body=body))
    ws.init()
    ws.apply()
    st = ws.resources()["sarga_vm.c"]
    vmid = st["vmid"]
    c = pve_sim.api("GET", f"/nodes/pve1/qemu/{vmid}/config")
    assert "size=10G" in c["scsi0"], c
    assert c["description"] == "golden image"
    assert c["net0"].startswith("virtio=BC:24:11:") and "bridge=vmbr0" in c["net0"], c  # new MAC, same model
    # Pain point 19: the clone still has its cloud-init drive, now with the user set.
    assert f"vm-{vmid}-cloudinit" in c["ide2"] and c["ciuser"] == "ops"
    assert st["cloud_init"]["storage"] == "local-lvm"
    assert st["ipv4_addresses"], st  # waited for at create (bounded)
    ws.assert_no_changes()

    # Pain point 11: a size below the disk's is refused with the attribute named.
    ws.write(CLONE.format(name="from-name", source='source_name = "tmpl-noble"', full="true",
                          body=body.replace("size_gb = 10", "size_gb = 8")))
    proc = ws.plan(expect=1)
    assert 'disks["scsi0"].size_gb' in proc.stderr and "shrink" in proc.stderr, proc.stderr
    ws.write(CLONE.format(name="from-name", source='source_name = "tmpl-noble"', full="true", body=body))
    ws.destroy()
    assert set(guests(pve_sim)) == {9000}


def test_vm_clone_shrink_refused_before_anything_exists(pve_sim, pve_workspace, pve_template):
    pve_sim.reset()
    pve_template(vmid=9001, name="big", disk_gb=8)
    ws = pve_workspace
    ws.write(CLONE.format(name="small", source="source_vmid = 9001", full="true",
                          body='  disks = { scsi0 = { size_gb = 4 } }'))
    ws.init()
    proc = ws.apply(expect=1)
    assert 'disks["scsi0"].size_gb' in proc.stderr and "cannot shrink" in proc.stderr, proc.stderr
    assert set(guests(pve_sim)) == {9001}  # nothing created, nothing orphaned
    assert not ws.resources()


def test_vm_linked_clone_to_target_storage_rules(pve_sim, pve_workspace, pve_template):
    pve_sim.reset()
    pve_template(vmid=9002, name="tmpl", disk_gb=2)
    ws = pve_workspace
    ws.write(CLONE.format(name="linked", source="source_vmid = 9002", full="false",
                          body='  started = false\n  tags = ["Linked"]'))
    ws.init()
    ws.apply()
    vmid = ws.resources()["sarga_vm.c"]["vmid"]
    c = pve_sim.api("GET", f"/nodes/pve1/qemu/{vmid}/config")
    assert "base-9002-disk-0" in c["scsi0"], c  # a linked clone shares the template's base volume
    ws.assert_no_changes()
    ws.destroy()

    ws.write(CLONE.format(name="bad", source='source_vmid = 9002, target_storage = "nfs"', full="false",
                          body=""))
    proc = ws.plan(expect=1)
    assert "clone.target_storage" in proc.stderr, proc.stderr


RANGE = """
resource "sarga_vm" "r" {{
  count      = 3
  node       = "pve{node}"
  name       = "{prefix}-${{count.index}}"
  vmid_range = {{ from = 300, to = 320 }}
  clone      = {{ source_vmid = 9003 }}
  started    = false
}}
"""


def test_vm_two_tofu_runs_race_for_vmids(pve_sim, make_workspace, pve_env, pve_template):
    """Pain points 1 and 2: two tofu processes clone from one template at once into the same
    VMID range; every create that loses the race for an ID moves on to the next one, and
    clone lock timeouts are retried, so both runs succeed with distinct VMIDs."""
    pve_sim.reset()
    pve_template(vmid=9003, name="tmpl", disk_gb=1)
    pve_sim.settings({"task_durations": {"qmclone": 0.3}})
    pve_sim.faults({"lock_hold": {"qmclone": 0.8}})
    runs = []
    for i in (1, 2):
        ws = make_workspace(f"race{i}")
        ws.env = dict(ws.env, **pve_env)
        ws.write(RANGE.format(node=1, prefix=f"race{i}"))
        ws.init()
        runs.append(ws)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda w: w.apply("-parallelism=3", expect=None), runs))
    for r in results:
        assert r.returncode == 0, r.stdout + r.stderr
    vmids = [ws.resources()[f"sarga_vm.r[{i}]"]["vmid"] for ws in runs for i in range(3)]
    assert len(set(vmids)) == 6 and all(300 <= v <= 320 for v in vmids), vmids
    stray, disks = orphans(pve_sim, set(vmids) | {9003})
    assert not stray and not disks, (stray, disks)
    for ws in runs:
        ws.assert_no_changes()
        ws.destroy()
    assert set(guests(pve_sim)) == {9003}


def test_vm_clone_to_another_node_needs_shared_storage(pve_sim, pve_workspace, pve_template):
    """A template on local storage clones only on its node (PVE's rule); one on shared
    storage clones onto any node, also into node-local target storage."""
    pve_sim.reset()
    pve_template(vmid=9004, name="local-tmpl", disk_gb=1, storage="local-lvm", cloud_init=False)
    pve_template(vmid=9005, name="shared-tmpl", disk_gb=1, storage="nfs", cloud_init=False)
    ws = pve_workspace
    hcl = """
    resource "sarga_vm" "x" {{
      node    = "pve2"
      clone   = {{ source_vmid = {source}, target_storage = "local-lvm" }}
      started = false
    }}
    """
    ws.write(hcl.format(source=9004))
    ws.init()
    proc = ws.apply(expect=1)
    assert "needs shared storage" in proc.stderr and "pve1" in proc.stderr, proc.stderr
    assert set(guests(pve_sim)) == {9004, 9005}
    ws.write(hcl.format(source=9005))
    ws.apply()
    vmid = ws.resources()["sarga_vm.x"]["vmid"]
    assert guests(pve_sim)[vmid]["node"] == "pve2"
    cfg = pve_sim.api("GET", f"/nodes/pve2/qemu/{vmid}/config")
    assert cfg["scsi0"].startswith("local-lvm:"), cfg
    ws.assert_no_changes()
    ws.destroy()
