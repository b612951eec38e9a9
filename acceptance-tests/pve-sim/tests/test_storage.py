"""Uploads with checksums, download-url from loopback http and file URLs, delete, lxc from vztmpl."""
import hashlib
import http.server
import threading

import pytest


def upload(sim, content, name, data, **extra):
    return sim.api("POST", "/nodes/pve1/storage/local/upload", data={"content": content, **extra},
                   files={"filename": (name, data)})


def volids(sim, storage="local", content=None):
    params = {"content": content} if content else {}
    return [v["volid"] for v in sim.api("GET", f"/nodes/pve1/storage/{storage}/content", params=params).json()["data"]]


def test_upload_iso_with_checksum(sim):
    data = b"ISO9660" * 1000
    r = upload(sim, "iso", "seed.iso", data, checksum=hashlib.sha256(data).hexdigest(), **{"checksum-algorithm": "sha256"})
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"
    content = sim.api("GET", "/nodes/pve1/storage/local/content", params={"content": "iso"}).json()["data"]
    assert content == [{"volid": "local:iso/seed.iso", "content": "iso", "format": "iso", "size": len(data),
                        "ctime": content[0]["ctime"]}]
    # Local storage is per node.
    assert sim.api("GET", "/nodes/pve2/storage/local/content").json()["data"] == []


def test_volume_paths_encoded_or_not(sim):
    assert sim.wait_task(upload(sim, "iso", "a.iso", b"12345").json()["data"]) == "OK"
    for path in ("/nodes/pve1/storage/local/content/local:iso/a.iso",
                 "/nodes/pve1/storage/local/content/local%3Aiso%2Fa.iso",
                 "/nodes/pve1/storage/local/content/iso/a.iso"):
        r = sim.api("GET", path)
        assert r.status_code == 200, (path, r.text)
        assert r.json()["data"]["size"] == 5 and r.json()["data"]["path"] == "/var/lib/vz/iso/a.iso"
    from proxmoxer import ProxmoxAPI
    from pvesim_fixture import TOKEN_SECRET
    prox = ProxmoxAPI("127.0.0.1", port=sim.port, user="root@pam", token_name="sarga", token_value=TOKEN_SECRET,
                      verify_ssl=sim.cert)
    upid = prox.nodes("pve1").storage("local").content("local:iso/a.iso").delete()
    assert sim.wait_task(upid) == "OK"
    assert volids(sim) == []


def test_upload_checksum_mismatch_fails_the_task(sim):
    r = upload(sim, "iso", "bad.iso", b"abc", checksum="00" * 32, **{"checksum-algorithm": "sha256"})
    status = sim.wait_task(r.json()["data"])
    assert status.startswith("checksum mismatch: got '") and status.endswith("' != expect '" + "00" * 32 + "'")
    assert volids(sim) == []


def test_upload_rules(sim):
    r = upload(sim, "iso", "notes.txt", b"x")
    assert r.status_code == 400 and r.json()["errors"] == {"filename": "wrong file extension"}
    r = upload(sim, "snippets", "user.yaml", b"x")
    assert r.status_code == 400 and "content" in r.json()["errors"]
    r = sim.api("POST", "/nodes/pve1/storage/local-lvm/upload", data={"content": "iso"}, files={"filename": ("a.iso", b"x")})
    assert r.status_code == 500 and r.reason == "storage 'local-lvm' does not support 'iso' content"


def test_download_url_from_loopback_http_and_file(sim, tmp_path):
    payload = b"qcow2-image-bytes" * 100
    (tmp_path / "disk.qcow2").write_bytes(payload)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/disk.qcow2"
        r = sim.api("POST", "/nodes/pve1/storage/local/download-url",
                    data={"url": url, "content": "import", "filename": "disk.qcow2",
                          "checksum": hashlib.md5(payload).hexdigest(), "checksum-algorithm": "md5"})
        assert r.status_code == 200, r.text
        assert sim.wait_task(r.json()["data"]) == "OK"
        r = sim.api("POST", "/nodes/pve1/storage/local/download-url",
                    data={"url": url + ".missing", "content": "import", "filename": "gone.qcow2"})
        assert "404" in sim.wait_task(r.json()["data"])
    finally:
        httpd.shutdown()
    r = sim.api("POST", "/nodes/pve1/storage/local/download-url",
                data={"url": f"file://{tmp_path}/disk.qcow2", "content": "import", "filename": "copy.qcow2"})
    assert sim.wait_task(r.json()["data"]) == "OK"
    r = sim.api("POST", "/nodes/pve1/storage/local/download-url",
                data={"url": "https://example.com/x.iso", "content": "iso", "filename": "x.iso"})
    assert "loopback" in sim.wait_task(r.json()["data"])
    assert sorted(volids(sim)) == ["local:import/copy.qcow2", "local:import/disk.qcow2"]

    # import-from: a VM disk made from the downloaded image has its size.
    r = sim.api("POST", "/nodes/pve1/qemu", data={"vmid": 100, "scsi0": "local-lvm:0,import-from=local:import/disk.qcow2"})
    assert sim.wait_task(r.json()["data"]) == "OK"
    cfg = sim.api("GET", "/nodes/pve1/qemu/100/config").json()["data"]
    assert cfg["scsi0"] == f"local-lvm:vm-100-disk-0,size={len(payload)}"

    r = sim.api("DELETE", "/nodes/pve1/storage/local/content/local:import/copy.qcow2")
    assert r.status_code == 200 and sim.wait_task(r.json()["data"]) == "OK"
    assert volids(sim) == ["local:import/disk.qcow2"]


def test_lxc_from_uploaded_template(sim):
    r = sim.api("POST", "/nodes/pve1/lxc", data={"vmid": 200, "ostemplate": "local:vztmpl/debian-13.tar.zst"})
    assert r.status_code == 500 and r.reason == "volume 'local:vztmpl/debian-13.tar.zst' does not exist"
    r = upload(sim, "vztmpl", "debian-13.tar.zst", b"tarball")
    assert sim.wait_task(r.json()["data"]) == "OK"
    r = sim.api("POST", "/nodes/pve1/lxc", data={"vmid": 200, "ostemplate": "local:vztmpl/debian-13.tar.zst",
                                                 "hostname": "ct1", "rootfs": "local-lvm:2", "tags": "B;a",
                                                 "net0": "name=eth0,bridge=vmbr0,ip=dhcp"})
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"
    cfg = sim.api("GET", "/nodes/pve1/lxc/200/config").json()["data"]
    assert cfg["hostname"] == "ct1" and cfg["tags"] == "a;b" and cfg["rootfs"] == "local-lvm:vm-200-disk-0,size=2G"
    assert cfg["net0"].startswith("name=eth0,bridge=vmbr0,hwaddr=BC:24:11:")
    assert cfg["net0"].endswith(",ip=dhcp,type=veth")
    assert sim.wait_task(sim.api("POST", "/nodes/pve1/lxc/200/status/start").json()["data"]) == "OK"
    assert sim.api("GET", "/nodes/pve1/lxc/200/status/current").json()["data"]["status"] == "running"
    r = sim.api("DELETE", "/nodes/pve1/lxc/200")
    assert r.status_code == 500 and r.reason == "unable to destroy CT 200 - container is running"
    assert sim.wait_task(sim.api("POST", "/nodes/pve1/lxc/200/status/stop").json()["data"]) == "OK"
    assert sim.api("POST", "/nodes/pve1/lxc/200/template").json() == {"data": None}
    assert sim.wait_task(sim.api("DELETE", "/nodes/pve1/lxc/200").json()["data"]) == "OK"


def test_shared_nfs_is_seen_from_every_node(sim):
    r = sim.api("POST", "/nodes/pve2/storage/nfs/upload", data={"content": "iso"}, files={"filename": ("s.iso", b"x")})
    assert sim.wait_task(r.json()["data"]) == "OK"
    for node in ("pve1", "pve2", "pve3"):
        vols = sim.api("GET", f"/nodes/{node}/storage/nfs/content").json()["data"]
        assert [v["volid"] for v in vols] == ["nfs:iso/s.iso"]


def test_lxc_interfaces_follow_config(sim):
    assert sim.wait_task(upload(sim, "vztmpl", "alpine.tar.xz", b"t").json()["data"]) == "OK"
    r = sim.api("POST", "/nodes/pve1/lxc", data={"vmid": 210, "ostemplate": "local:vztmpl/alpine.tar.xz",
                                                 "net0": "name=eth0,bridge=vmbr0,ip=10.1.2.3/24", "start": 1,
                                                 "rootfs": "local-lvm:1"})
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"
    ifs = sim.api("GET", "/nodes/pve1/lxc/210/interfaces").json()["data"]
    assert [(i["name"], i["inet"]) for i in ifs] == [("lo", "127.0.0.1/8"), ("eth0", "10.1.2.3/24")]
