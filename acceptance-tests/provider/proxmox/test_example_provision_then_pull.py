"""examples/provision-then-pull: a seed uploaded in Proxmox mode whose user-data runs
ansible-pull and reports to a webhook, attached to a VM cloned from the newest template.
Changing the playbook settings swaps the seed in place, never replaces the VM."""
import shutil

from sarga_tofu import REPO
from scenarios import guests, make_vm_template, vmid_of

EXAMPLE = REPO / "examples" / "provision-then-pull"


def iso_volumes(sim):
    return sorted(v["volid"] for v in sim.api("GET", "/nodes/pve1/storage/local/content", content="iso"))


def cdrom_of(cfg, volume):
    return [k for k, v in cfg.items() if isinstance(v, str) and v.startswith(volume) and "media=cdrom" in v]


def test_provision_then_pull_example(pve_sim, pve_workspace):
    pve_sim.reset()
    make_vm_template(pve_sim, 9000, "debian-12-cloud-20250101")
    newest = make_vm_template(pve_sim, 9001, "debian-12-cloud-20251101")
    make_vm_template(pve_sim, 9002, "ubuntu-24.04-cloud")

    ws = pve_workspace
    shutil.copytree(EXAMPLE, ws.path, dirs_exist_ok=True)
    ws.init()
    ws.apply()
    res = ws.resources()
    seed = res["sarga_cloudinit_seed.app"]
    vm = res["sarga_vm.app"]
    assert vm["clone"]["source_vmid"] == newest, vm["clone"]
    assert "ansible-pull --url 'https://git.example.com/infra/site.git'" in seed["user_data"]
    assert "https://status.example.com/hooks/provisioning" in seed["user_data"]
    assert "phone_home:" in seed["user_data"]

    volume = seed["volume_id"]
    assert volume.startswith("local:iso/") and volume.endswith(".iso"), volume
    assert iso_volumes(pve_sim) == [volume]
    vmid = vmid_of(vm)
    cfg = pve_sim.api("GET", f"/nodes/pve1/qemu/{vmid}/config")
    assert cdrom_of(cfg, volume), cfg
    assert guests(pve_sim)[vmid]["status"] == "running"
    ws.assert_no_changes()

    # A new playbook: new seed, same VM, cdrom swapped.
    ws.env = dict(ws.env, TF_VAR_ansible_playbook="app-v2.yml")
    proc = ws.apply()
    assert "Resources: 0 added, 2 changed, 0 destroyed." in proc.stdout, proc.stdout
    res = ws.resources()
    new_volume = res["sarga_cloudinit_seed.app"]["volume_id"]
    assert new_volume != volume
    assert vmid_of(res["sarga_vm.app"]) == vmid, "the VM was replaced"
    cfg = pve_sim.api("GET", f"/nodes/pve1/qemu/{vmid}/config")
    assert cdrom_of(cfg, new_volume) and not cdrom_of(cfg, volume), cfg
    assert new_volume in iso_volumes(pve_sim)
    ws.assert_no_changes()

    ws.destroy()
    assert set(guests(pve_sim)) == {9000, 9001, 9002}
    assert iso_volumes(pve_sim) == []
