"""The VM image example end to end (issue 8): the session's real build of
examples/images/debian12-vm-hardened.pkr.hcl (fixture `vm_image`, ../conftest.py) read back —
the qcow2 and its GPT layout, the boot proof in the manifest, the SBOM, the template in pve-sim —
and a second build without boot or publish that must give the same bytes."""

import json
import subprocess

import pytest

from builder_run import sha256
from vm_image_build import BUILD_NAME, IMAGE_FILE, TOKEN_SECRET, build_example

MIB = 1024 * 1024
SECTOR = 512
# What the example declares: disk-image { size = "4G"  esp_size = "256M"
#   partition { mountpoint = "/var" size = "1G" }  partition { mountpoint = "/tmp" size = "512M" } }
DISK_BYTES = 4096 * MIB
DECLARED = [("esp", "/boot/efi", 256 * MIB), ("var", "/var", 1024 * MIB), ("tmp", "/tmp", 512 * MIB)]
# Discoverable Partitions Specification type GUIDs. Its "temporary data" type means /var/tmp
# (systemd-gpt-auto-generator would mount it there too), so /tmp is a generic Linux partition.
TYPES = {"esp": "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "var": "4D21B016-B534-45C2-A9FB-5C16E091FD2D",
         "tmp": "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "root": "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"}


def tool(*cmd, timeout=600):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}: exit {proc.returncode}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def built(vm_image):
    vm_image.require_ok()
    return vm_image


@pytest.fixture(scope="module")
def raw_disk(built, tmp_path_factory):
    """The image converted to raw (sparse) so sfdisk, blkid, debugfs and mtools can read it."""
    raw = tmp_path_factory.mktemp("raw") / "disk.raw"
    tool("qemu-img", "convert", "-f", "qcow2", "-O", "raw", built.build.image, raw)
    table = json.loads(tool("sfdisk", "-J", raw))["partitiontable"]
    return raw, table


def partitions_by_name(table):
    return {p["name"]: p for p in table["partitions"]}


def offset(part):
    return part["start"] * SECTOR


def verify_steps(entry):
    """The qemu-verify steps the manifest records (one per qemu-verify block), each with the
    boot's report: {boot_seconds, accelerator, agent_answered, commands: [{command, exit_code}]}."""
    return [s for s in entry["steps"] if s.get("type") == "qemu-verify"]


def test_vm_image_build_succeeds_without_leaking_the_token(vm_image):
    vm_image.require_ok()
    result = [e for e in vm_image.build.events if e.get("type") == "result"]
    assert result and result[-1]["ok"] is True, vm_image.build.proc.stdout[-3000:]
    assert TOKEN_SECRET not in vm_image.build.output
    assert TOKEN_SECRET not in (vm_image.build.out / "manifest.json").read_text()
    done = {e["step"] for e in vm_image.build.events if e.get("kind") == "step-done"}
    assert {"source", "disk-image", "qemu-verify", "proxmox-vm-template"} <= done, done


def test_vm_image_file_and_manifest(built):
    image = built.build.image
    assert image.is_file()
    entry = built.build.entry()
    files = {f["name"].rsplit("/", 1)[-1]: f for f in entry["files"]}
    assert files[IMAGE_FILE]["sha256"] == sha256(image)
    assert files[IMAGE_FILE]["size"] == image.stat().st_size
    assert entry["artifact_id"] == IMAGE_FILE
    disk = entry["disk_image"]
    assert disk["file"] == IMAGE_FILE and disk["format"] == "qcow2", disk
    assert disk["sha256"] == files[IMAGE_FILE]["sha256"] and disk["virtual_size"] == DISK_BYTES, disk
    info = json.loads(tool("qemu-img", "info", "--output=json", image))
    assert info["format"] == "qcow2"
    assert info["virtual-size"] == DISK_BYTES
    # Nothing half-written or left over from the boot on success.
    leftovers = [p.name for p in built.build.out.iterdir() if p.name.endswith((".partial", ".console.log"))]
    assert not leftovers, leftovers


def test_vm_image_gpt_layout_is_the_declared_one(raw_disk, built):
    _, table = raw_disk
    assert table["label"] == "gpt"
    parts = table["partitions"]
    assert [p["name"] for p in parts] == ["esp", "var", "tmp", "root"]
    start = 2048  # 1 MiB
    for (name, _, size), part in zip(DECLARED, parts):
        assert part["start"] == start, part
        assert part["size"] * SECTOR == size, part
        assert part["type"].upper() == TYPES[name], part
        start += part["size"]
    root = parts[-1]
    assert root["type"].upper() == TYPES["root"]
    assert root["start"] == start
    # The root takes the rest, in whole MiB, before the 33 sectors of the backup GPT.
    end = DISK_BYTES // SECTOR - 33
    assert root["size"] % 2048 == 0 and root["start"] + root["size"] <= end < root["start"] + root["size"] + 2048, root
    # The manifest records the layout the disk was written with.
    layout = built.build.entry()["disk_image"]["layout"]
    assert layout["size_bytes"] == DISK_BYTES
    assert layout["disk_guid"].upper() == table["id"].upper()
    recorded = [(p["name"], p["start_sector"], p["size_sectors"], p["part_uuid"].upper()) for p in layout["partitions"]]
    assert recorded == [(p["name"], p["start"], p["size"], p["uuid"].upper()) for p in parts]


def test_vm_image_fstab_and_boot_entry_name_the_partitions(raw_disk, built):
    raw, table = raw_disk
    parts = partitions_by_name(table)
    uuid = {name: tool("blkid", "-p", "-o", "value", "-s", "UUID", "-O", offset(p), raw).strip()
            for name, p in parts.items()}
    assert all(uuid.values()), uuid
    layout = {p["name"]: p for p in built.build.entry()["disk_image"]["layout"]["partitions"]}
    assert {name: layout[name]["fs_uuid"].upper() for name in uuid} == {k: v.upper() for k, v in uuid.items()}
    fstab = tool("debugfs", "-R", "cat /etc/fstab", f"{raw}?offset={offset(parts['root'])}")
    lines = {}
    for line in fstab.splitlines():
        fields = line.split()
        if len(fields) >= 4 and not line.lstrip().startswith("#"):
            lines[fields[1]] = fields
    for name, mountpoint, _ in DECLARED + [("root", "/", 0)]:
        assert lines[mountpoint][0] == f"UUID={uuid[name]}", (mountpoint, fstab)
    assert {"nodev", "nosuid", "noexec"} <= set(lines["/tmp"][3].split(",")), fstab
    assert {"nodev", "nosuid"} <= set(lines["/var"][3].split(",")), fstab
    # The systemd-boot entry boots that root with the serial console (and auditing, vm-baseline).
    esp = f"{raw}@@{offset(parts['esp'])}"
    entries = [n for n in tool("mdir", "-b", "-i", esp, "::/loader/entries").split() if n.endswith(".conf")]
    assert len(entries) == 1, entries
    entry = tool("mtype", "-i", esp, entries[0])
    options = next(l for l in entry.splitlines() if l.startswith("options")).split()[1:]
    assert f"root=UUID={uuid['root']}" in options, entry
    assert "console=ttyS0,115200" in options and "audit=1" in options, entry


def test_vm_image_manifest_records_the_boot_proof(built):
    entry = built.build.entry()
    steps = verify_steps(entry)
    assert len(steps) == 1, entry["steps"]
    assert steps[0]["status"] == "ok", steps[0]
    verify = steps[0]["report"]
    assert verify["agent_answered"] is True, verify
    assert 0 < verify["boot_seconds"] < 600, verify
    assert verify["accelerator"] in ("kvm", "tcg"), verify
    commands = verify["commands"]
    assert commands, verify  # the example proves its hardening with inline commands
    assert all(c["exit_code"] == 0 for c in commands), commands
    assert any("noexec" in c["command"] for c in commands), commands
    assert entry["verify"] == [verify]


def test_vm_image_sbom_lists_the_vm_packages(built):
    sbom = json.loads((built.build.out / "sbom.spdx.json").read_text())
    names = {p["name"] for p in sbom["packages"]}
    assert any(n.startswith("linux-image-") for n in names), sorted(names)
    assert {"cloud-init", "qemu-guest-agent", "auditd", "systemd-boot"} <= names, sorted(names)


def test_vm_template_in_pve_sim(built):
    published = built.published()
    assert published["created"] is True, published
    node, vmid = published["node"], published["vmid"]
    cfg = built.sim.api("GET", f"/nodes/{node}/qemu/{vmid}/config").json()["data"]
    assert int(cfg["template"]) == 1, cfg
    assert cfg["name"] == BUILD_NAME
    assert cfg["bios"] == "ovmf" and "q35" in cfg["machine"], cfg
    assert "efitype=4m" in cfg["efidisk0"], cfg
    assert cfg["serial0"] == "socket" and cfg["vga"].split(",")[0] in ("serial0", "type=serial0"), cfg
    assert str(cfg["agent"]).split(",")[0] in ("1", "enabled=1"), cfg
    assert "cloudinit" in cfg["ide2"], cfg
    assert f"base-{vmid}-disk-" in cfg["scsi0"] and "size=4G" in cfg["scsi0"], cfg
    assert "scsi0" in cfg["boot"], cfg
    assert {"sarga-build", "debian", "hardened"} <= set(cfg["tags"].split(";")), cfg
    sha = sha256(built.build.image)
    assert f"sarga-build sha256={sha}" in cfg["description"].splitlines(), cfg["description"]
    assert published["sha256"] == sha
    # The uploaded import volume was only needed for the create.
    volume = published.get("import_volume")
    assert volume, published
    storage = volume.split(":", 1)[0]
    listing = built.sim.api("GET", f"/nodes/{node}/storage/{storage}/content").json()["data"]
    assert volume not in {v["volid"] for v in listing}, listing


def test_vm_image_rebuild_without_boot_is_byte_identical(built, tmp_path):
    """Same template, same cache, no boot and no publish: the very same image bytes."""
    again = build_example(built.sarga_build, tmp_path / "out", "--except", "qemu-verify,proxmox-vm-template")
    assert again.proc.returncode == 0, again.failure_text()
    done = {e["step"]: e for e in again.events if e.get("kind") == "step-done"}
    assert "qemu-verify" not in done and "proxmox-vm-template" not in done, sorted(done)
    assert done["source"]["data"]["cache_hit"] is True
    assert sha256(again.image) == sha256(built.build.image)
    entry = again.entry()
    assert not verify_steps(entry)
    assert entry["published"] == []
