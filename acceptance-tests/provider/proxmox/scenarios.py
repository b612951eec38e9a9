"""Helpers shared by the scenario tests (test_fault_*.py, test_example_*.py) and the benchmarks
in bench/: seeding pve-sim through its API and checking what a run left behind.

Everything here talks to a `PveSim` (pvesim_provider.py) through `.api(...)` and the control endpoints.
"""
import json
import re
import time

NODES = ("pve1", "pve2", "pve3")
# Storages that hold guest disks in the default pve-sim cluster.
IMAGE_STORAGES = ("local-lvm", "nfs")


def make_vm_template(sim, vmid, name, node="pve1", storage="local-lvm", disk_gb=2, tags="template",
                     cloud_init=False):
    """A small VM template (what a golden-image build would leave behind), made via the API;
    `cloud_init` adds a cloud-init drive on ide2, `tags=None` leaves it untagged."""
    params = {"vmid": vmid, "name": name, "cores": 1, "memory": 512, "scsihw": "virtio-scsi-single",
              "scsi0": f"{storage}:{disk_gb}", "net0": "virtio,bridge=vmbr0", "ostype": "l26",
              "agent": "enabled=1"}
    if tags:
        params["tags"] = tags
    if cloud_init:
        params["ide2"] = f"{storage}:cloudinit"
    upid = sim.api("POST", f"/nodes/{node}/qemu", **params)
    assert sim.wait_task(upid) == "OK"
    upid = sim.api("POST", f"/nodes/{node}/qemu/{vmid}/template")
    if isinstance(upid, str) and upid.startswith("UPID:"):
        assert sim.wait_task(upid) == "OK"
    return vmid


def guests(sim):
    """vmid -> {"node", "name", "kind", "status", "lock"} read from every node (never the
    lagging /cluster/resources)."""
    out = {}
    for node in NODES:
        for kind in ("qemu", "lxc"):
            for g in sim.api("GET", f"/nodes/{node}/{kind}"):
                vmid = int(g["vmid"])
                assert vmid not in out, f"VMID {vmid} listed on two nodes"
                out[vmid] = {"node": node, "name": g.get("name"), "kind": kind,
                             "status": g.get("status"), "lock": g.get("lock"),
                             "template": bool(g.get("template"))}
    return out


def disk_volumes(sim):
    """Every image/rootdir volume on the guest storages: list of (node, volid, vmid)."""
    seen = set()
    out = []
    for node in NODES:
        for storage in IMAGE_STORAGES:
            for v in sim.api("GET", f"/nodes/{node}/storage/{storage}/content"):
                if v.get("content") not in ("images", "rootdir"):
                    continue
                key = v["volid"]
                if key in seen:  # a shared storage lists the same volumes on every node
                    continue
                seen.add(key)
                out.append((node, v["volid"], int(v.get("vmid") or 0)))
    return out


def orphans(sim, allowed_vmids):
    """Guests and disks that no one owns: not in allowed_vmids."""
    allowed = set(allowed_vmids)
    stray_guests = {vmid: g for vmid, g in guests(sim).items() if vmid not in allowed}
    stray_disks = [v for v in disk_volumes(sim) if v[2] not in allowed]
    return stray_guests, stray_disks


def state_instances(ws, rtype="sarga_vm"):
    """address -> {"values", "tainted"} for every instance of rtype in the workspace state."""
    state = ws.show()
    out = {}

    def walk(module):
        for r in module.get("resources", []):
            if r.get("type") == rtype and r.get("mode") == "managed":
                out[r["address"]] = {"values": r["values"], "tainted": bool(r.get("tainted"))}
        for child in module.get("child_modules", []):
            walk(child)

    walk(state.get("values", {}).get("root_module", {}))
    return out


def vmid_of(values):
    """The VMID of a sarga_vm/sarga_lxc state entry (id is "node/vmid")."""
    if values.get("vmid") is not None:
        return int(values["vmid"])
    return int(values["id"].split("/")[1])


def wait_until(predicate, timeout, what, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


REQUEST_LINE = re.compile(r"^pve-sim: (GET|POST|PUT|DELETE) (\S+) (\d{3}) ")


def request_log(path):
    """(method, path, status) of every API request in a `pve-sim --verbose` stderr log."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = REQUEST_LINE.match(line)
            if m:
                out.append((m.group(1), m.group(2), int(m.group(3))))
    return out


def log_size(path):
    with open(path, "rb") as f:
        return len(f.read())


def requests_since(path, offset):
    """Requests logged after byte `offset` of the verbose log."""
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    out = []
    for line in text.splitlines():
        m = REQUEST_LINE.match(line)
        if m:
            out.append((m.group(1), m.group(2), int(m.group(3))))
    return out


def upload_vztmpl(sim, node, storage, filename, content=None):
    """Uploads a small (fake) container template archive; returns its volume id."""
    import io
    import tarfile
    if content is None:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            data = b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
            info = tarfile.TarInfo("etc/os-release")
            info.size = len(data)
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(data))
        content = buf.getvalue()
    r = sim.session.post(f"{sim.url}/api2/json/nodes/{node}/storage/{storage}/upload",
                         data={"content": "vztmpl"},
                         files={"filename": (filename, content, "application/octet-stream")}, timeout=60)
    assert r.status_code == 200, r.text
    upid = r.json()["data"]
    assert sim.wait_task(upid) == "OK"
    return f"{storage}:vztmpl/{filename}"


def dump(obj):
    return json.dumps(obj, indent=1, sort_keys=True)
