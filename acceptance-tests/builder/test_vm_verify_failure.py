"""The failure path of the boot proof, end to end: an image whose kernel and bootloader are not
programs cannot boot, so qemu-verify (timeout 15 s) fails the build; the error points at the
qemu-verify block and at the console log kept in the output folder, and the image that an
earlier build left there (and its manifest entry) stay as they were."""

import json

from builder_run import run, sha256
from fixture_rootfs import add_fake_boot, make_fixture_rootfs

TEMPLATE = """\
variable "motd" {
  type    = string
  default = "first build\\n"
}

source "rootfs" "fixture" {
  path = "ROOTFS"
}

build {
  name    = "fixture-vm"
  sources = ["source.rootfs.fixture"]

  provisioner "files" {
    content     = var.motd
    destination = "/etc/motd"
  }

  post-processor "disk-image" {
    size     = "1G"
    esp_size = "64M"
  }
  post-processor "qemu-verify" {
    timeout = "15s"
    network = false
  }
  post-processor "manifest" {}
}
"""
IMAGE = "fixture-vm.qcow2"


def write_template(tmp_path):
    rootfs = add_fake_boot(make_fixture_rootfs(tmp_path / "rootfs"))
    template = tmp_path / "fixture-vm.pkr.hcl"
    template.write_text(TEMPLATE.replace("ROOTFS", str(rootfs)))
    line = TEMPLATE.splitlines().index('  post-processor "qemu-verify" {') + 1
    return template, line


def build(sarga_build, template, out, *extra):
    return run([sarga_build, "build", "--force", "--output-dir", out, *extra, template], cwd=template.parent,
               timeout=600)


def manifest_entry(out):
    builds = json.loads((out / "manifest.json").read_text())["builds"]
    return [b for b in builds if b["name"] == "fixture-vm"]


def test_failed_boot_proof_keeps_previous_image_and_console_log(sarga_build, tmp_path):
    template, verify_line = write_template(tmp_path)
    out = tmp_path / "out"
    first = build(sarga_build, template, out, "--except", "qemu-verify")
    assert first.returncode == 0, first.stderr[-4000:] + first.stdout[-4000:]
    image = out / IMAGE
    before_sha = sha256(image)
    before_entry = manifest_entry(out)
    assert len(before_entry) == 1 and before_entry[0]["files"], before_entry
    assert not (out / f"{IMAGE}.console.log").exists()

    # Another motd: a different image, which must not replace the first one unproven.
    failed = build(sarga_build, template, out, "--var", "motd=second build")
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0, text[-4000:]
    assert f"{template}:{verify_line}:" in text, text[-4000:]
    console = out / f"{IMAGE}.console.log"
    assert str(console) in text, text[-4000:]
    # Only that it is there: under load OVMF may not print anything within 15 s of TCG.
    assert console.is_file()
    assert sha256(image) == before_sha
    assert manifest_entry(out) == before_entry
    assert not [p.name for p in out.iterdir() if p.name.endswith(".partial")]
