"""The image-to-tofu handoff (issue 8): the VM template that sarga-build published in this
session (fixture `vm_image`, acceptance-tests/conftest.py: the real example build, booted under
QEMU, published to a pve-sim) is found by real tofu through `data "sarga_template"` and cloned
by `sarga_vm` with cloud-init and a bigger disk; the clone keeps the template's UEFI, serial and
agent hardware; the next plan is empty; destroy removes the clone and leaves the template."""

from urllib.parse import unquote

SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBxUjT2WOlAVdv4Cz6Hm9W0o3nXKbQx9bq2f1wJ7rY0s ops@handoff"

HANDOFF = f"""
data "sarga_template" "golden" {{
  kind       = "vm"
  name_regex = "^debian-12-vm-hardened"
  tags       = ["sarga-build"]
}}

resource "sarga_vm" "web" {{
  node    = data.sarga_template.golden.node
  name    = "web-from-image"
  clone   = {{ source_vmid = data.sarga_template.golden.vmid, full = true }}
  disks   = {{ scsi0 = {{ size_gb = 8 }} }}
  network = {{ net0 = {{ bridge = "vmbr0" }} }}
  cloud_init = {{
    user     = "ops"
    ssh_keys = ["{SSH_KEY}"]
    ipconfig = {{ net0 = {{ ipv4 = "dhcp" }} }}
  }}
  agent = {{ enabled = true }}
}}

output "template" {{ value = data.sarga_template.golden }}
"""


def config(sim, node, vmid):
    r = sim.api("GET", f"/nodes/{node}/qemu/{vmid}/config")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def qemu_vmids(sim, node):
    return {int(g["vmid"]) for g in sim.api("GET", f"/nodes/{node}/qemu").json()["data"]}


def test_published_vm_template_is_cloned_by_tofu(vm_image, workspace):
    vm_image.require_ok()
    sim = vm_image.sim
    published = vm_image.published()
    node, template_vmid = published["node"], int(published["vmid"])
    template = config(sim, node, template_vmid)

    ws = workspace
    ws.env = dict(ws.env, SARGA_PROXMOX_ENDPOINT=sim.url, SARGA_PROXMOX_API_TOKEN=sim.token,
                  SARGA_PROXMOX_FINGERPRINT=sim.fingerprint)
    ws.write(HANDOFF)
    ws.init()
    ws.apply()

    found = ws.outputs()["template"]
    assert found["vmid"] == template_vmid and found["node"] == node, found
    assert found["name"] == published["name"]
    vmid = ws.resources()["sarga_vm.web"]["vmid"]
    assert vmid != template_vmid
    clone = config(sim, node, vmid)
    # The template's hardware came along with the full clone ...
    for key in ("bios", "machine", "serial0", "vga", "agent", "ostype", "scsihw"):
        assert clone.get(key) == template.get(key), (key, clone, template)
    assert clone["bios"] == "ovmf" and clone["serial0"] == "socket"
    assert f"vm-{vmid}-disk-" in clone["efidisk0"], clone
    assert not int(clone.get("template", 0))
    # ... and the clone's own settings on top.
    assert clone["name"] == "web-from-image"
    assert f"vm-{vmid}-disk-" in clone["scsi0"] and "size=8G" in clone["scsi0"], clone
    assert f"vm-{vmid}-cloudinit" in clone["ide2"], clone
    assert clone["ciuser"] == "ops" and SSH_KEY in unquote(clone["sshkeys"]), clone
    assert clone["ipconfig0"] == "ip=dhcp", clone
    assert "bridge=vmbr0" in clone["net0"], clone
    ws.assert_no_changes()

    ws.destroy()
    assert vmid not in qemu_vmids(sim, node)
    assert template_vmid in qemu_vmids(sim, node)
    assert config(sim, node, template_vmid) == template
