"""Helpers for the sarga_lxc, data source and Proxmox-mode seed tests (test_lxc_*, test_ds_*,
test_seed_pve_*): container templates uploaded to pve-sim, and reading guests back from their
node (never from the lagging /cluster/resources)."""
import io
import tarfile
import time


def tiny_rootfs_tar(marker: str) -> bytes:
    """A gzip tar standing in for a container template (pve-sim only sizes and hashes it)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = f"sarga test template {marker}\n".encode()
        info = tarfile.TarInfo("etc/os-release")
        info.size = len(data)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def upload(sim, node, storage, content, filename, data: bytes):
    """Multipart upload through the API; waits for the copy task; returns the volume id."""
    r = sim.session.post(f"{sim.url}/api2/json/nodes/{node}/storage/{storage}/upload",
                         data={"content": content}, files={"filename": (filename, data)}, timeout=60)
    assert r.status_code == 200, f"upload {filename}: HTTP {r.status_code}: {r.text}"
    assert sim.wait_task(r.json()["data"]) == "OK"
    return f"{storage}:{content}/{filename}"


def upload_vztmpl(sim, name="debian-12-sarga_1.0_amd64.tar.gz", node="pve1", storage="local"):
    return upload(sim, node, storage, "vztmpl", name, tiny_rootfs_tar(name))


def ct_config(sim, node, vmid):
    return sim.api("GET", f"/nodes/{node}/lxc/{vmid}/config")


def ct_status(sim, node, vmid):
    return sim.api("GET", f"/nodes/{node}/lxc/{vmid}/status/current")["status"]


def volumes(sim, node, storage, content=None):
    params = {"content": content} if content else {}
    return {v["volid"]: v for v in sim.api("GET", f"/nodes/{node}/storage/{storage}/content", **params)}


def prop(value: str, key: str):
    """Value of key in a PVE property string, or None ("local-lvm:vm-1-disk-0,size=4G" with
    key "size" -> "4G")."""
    for item in str(value).split(","):
        k, sep, v = item.partition("=")
        if sep and k == key:
            return v
    return None


def make_ct(sim, vmid, node="pve1", hostname="imported", template=None, **extra):
    """A container created directly through the API (as if made by hand in the web UI)."""
    template = template or upload_vztmpl(sim, f"by-hand-{vmid}.tar.gz", node=node)
    params = dict(vmid=vmid, ostemplate=template, hostname=hostname, rootfs="local-lvm:2",
                  net0="name=eth0,bridge=vmbr0,ip=dhcp", unprivileged=1, **extra)
    upid = sim.api("POST", f"/nodes/{node}/lxc", **params)
    assert sim.wait_task(upid) == "OK"
    return template


def wait_until(predicate, timeout=10.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} not reached within {timeout}s")
