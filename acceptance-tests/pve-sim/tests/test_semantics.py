"""Locks, schema errors, PVE error words, tasks, tags, lxc, pools, cluster/resources lag."""
import concurrent.futures
import time

import pytest


def create_vm(sim, vmid, node="pve1", **extra):
    params = {"vmid": vmid, "scsi0": "local-lvm:4", "net0": "virtio,bridge=vmbr0", **extra}
    r = sim.api("POST", f"/nodes/{node}/qemu", data=params)
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"


def test_parallel_clones_of_running_vm_hit_the_lock_timeout(sim):
    create_vm(sim, 100)
    assert sim.wait_task(sim.api("POST", "/nodes/pve1/qemu/100/status/start").json()["data"]) == "OK"
    sim.control("POST", "settings", {"task_durations": {"qmclone": 3.0}})

    def clone(newid):
        return sim.api("POST", "/nodes/pve1/qemu/100/clone", data={"newid": newid})

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(clone, [201, 202, 203, 204]))
    ok = [r for r in results if r.status_code == 200]
    failed = [r for r in results if r.status_code == 500]
    assert len(ok) == 1 and len(failed) == 3, [r.text for r in results]
    for r in failed:
        assert r.reason == "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout"
        assert r.json() == {"data": None,
                            "message": "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n"}


def test_parallel_clones_of_template_share_the_source_lock(sim):
    create_vm(sim, 100)
    assert sim.wait_task(sim.api("POST", "/nodes/pve1/qemu/100/template").json()["data"]) == "OK"
    sim.control("POST", "settings", {"task_durations": {"qmclone": 1.0}})
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda n: sim.api("POST", "/nodes/pve1/qemu/100/clone", data={"newid": n}),
                                [301, 302, 303]))
    assert [r.status_code for r in results] == [200, 200, 200]
    for r in results:
        assert sim.wait_task(r.json()["data"]) == "OK"


def test_schema_400_shape(sim):
    r = sim.api("POST", "/nodes/pve1/qemu", data={"vmid": "12", "net0": "virtio,bridge=vmbr0,tag=99999",
                                                  "nonsense": "1"})
    assert r.status_code == 400
    assert r.reason == "Parameter verification failed."
    body = r.json()
    assert body["data"] is None and body["message"] == "Parameter verification failed.\n"
    assert set(body["errors"]) >= {"vmid", "nonsense"}
    assert any(k.startswith("net0") for k in body["errors"])


def test_unknown_method_is_501_and_missing_vm_is_500(sim):
    r = sim.api("GET", "/nodes/pve1/qemu/100/frobnicate")
    assert r.status_code == 501
    assert r.reason == "Method 'GET /nodes/pve1/qemu/100/frobnicate' not implemented"
    r = sim.api("GET", "/nodes/pve1/qemu/100/config")
    assert r.status_code == 500
    assert r.reason == "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist"


def test_paths_outside_the_api_are_404(sim):
    r = sim.session.get(sim.url + "/index.html", timeout=30)
    assert r.status_code == 404 and r.json()["message"] == "no such file '/index.html'\n"


def test_nextid_race_is_visible_at_once(sim):
    r = sim.api("POST", "/nodes/pve1/qemu", data={"vmid": 100})
    upid = r.json()["data"]
    # The config exists as soon as the create call returns, task still running or not.
    r = sim.api("GET", "/cluster/nextid", params={"vmid": 100})
    assert r.status_code == 400 and r.json()["errors"] == {"vmid": "VM 100 already exists"}
    r = sim.api("POST", "/nodes/pve2/qemu", data={"vmid": 100})
    assert r.status_code == 500 and r.reason == "VM 100 already exists on node 'pve1'"
    assert sim.wait_task(upid) == "OK"


def test_task_log_and_upid_format(sim):
    sim.control("POST", "settings", {"task_durations": {"qmcreate": 0.4}})
    upid = sim.api("POST", "/nodes/pve3/qemu", data={"vmid": 100, "scsi0": "local-lvm:1"}).json()["data"]
    parts = upid.split(":")
    assert parts[0] == "UPID" and parts[1] == "pve3" and parts[5] == "qmcreate" and parts[6] == "100"
    assert parts[7] == "root@pam!sarga" and parts[8] == "" and len(parts) == 9
    assert all(len(p) == 8 for p in parts[2:5])
    status = sim.api("GET", f"/nodes/pve3/tasks/{upid}/status").json()["data"]
    assert status["status"] == "running"
    assert sim.wait_task(upid) == "OK"
    log = sim.api("GET", f"/nodes/pve3/tasks/{upid}/log").json()["data"]
    assert log[-1] == {"n": len(log), "t": "TASK OK"}


def test_task_status_400_window_fault(sim):
    sim.control("POST", "faults", {"task_status_400_window": 0.5})
    upid = sim.api("POST", "/nodes/pve1/qemu", data={"vmid": 100}).json()["data"]
    r = sim.api("GET", f"/nodes/pve1/tasks/{upid}/status")
    assert r.status_code == 400 and r.json()["errors"] == {"upid": "no such task"}
    time.sleep(0.6)
    assert sim.api("GET", f"/nodes/pve1/tasks/{upid}/status").status_code == 200


def test_resources_lag(sim):
    sim.control("POST", "settings", {"resources_lag": 30})
    assert sim.api("GET", "/cluster/resources", params={"type": "vm"}).json()["data"] == []
    create_vm(sim, 100)
    assert sim.api("GET", "/cluster/resources", params={"type": "vm"}).json()["data"] == []
    sim.control("POST", "settings", {"resources_lag": 0})
    vms = sim.api("GET", "/cluster/resources", params={"type": "vm"}).json()["data"]
    assert [(v["vmid"], v["node"], v["type"]) for v in vms] == [(100, "pve1", "qemu")]


def test_pending_changes_and_digest(sim):
    create_vm(sim, 100, cores=1, agent=1)
    assert sim.wait_task(sim.api("POST", "/nodes/pve1/qemu/100/status/start").json()["data"]) == "OK"
    digest = sim.api("GET", "/nodes/pve1/qemu/100/config").json()["data"]["digest"]
    r = sim.api("POST", "/nodes/pve1/qemu/100/config", data={"cores": 4, "digest": digest})
    assert r.status_code == 200 and sim.wait_task(r.json()["data"]) == "OK"
    pending = {e["key"]: e for e in sim.api("GET", "/nodes/pve1/qemu/100/pending").json()["data"]}
    assert pending["cores"]["value"] == 1 and pending["cores"]["pending"] == 4
    r = sim.api("PUT", "/nodes/pve1/qemu/100/config", data={"cores": 2, "digest": digest})
    assert r.status_code == 500 and r.reason.startswith("detected modified configuration")
    r = sim.api("PUT", "/nodes/pve1/qemu/100/config", data={"revert": "cores"})
    assert r.status_code == 200
    assert "pending" not in {e["key"]: e for e in sim.api("GET", "/nodes/pve1/qemu/100/pending").json()["data"]}["cores"]


def test_agent_exec_round_trip(sim):
    create_vm(sim, 100, agent="enabled=1")
    r = sim.api("POST", "/nodes/pve1/qemu/100/agent/ping")
    assert r.status_code == 500 and r.reason == "VM 100 is not running"
    assert sim.wait_task(sim.api("POST", "/nodes/pve1/qemu/100/status/start").json()["data"]) == "OK"
    pid = sim.api("POST", "/nodes/pve1/qemu/100/agent/exec", data={"command": ["echo", "hello", "world"]}).json()["data"]["pid"]
    status = sim.api("GET", "/nodes/pve1/qemu/100/agent/exec-status", params={"pid": pid}).json()["data"]
    assert status["exited"] == 1 and status["exitcode"] == 0 and status["out-data"] == "hello world\n"


def test_permission_denied_for_token_without_privileges(fresh_sim, tmp_path):
    cfg = tmp_path / "cluster.json"
    cfg.write_text("""{"nodes": ["pve1"], "users": [
      {"userid": "ci@pve", "acl": [{"path": "/", "privs": ["PVEAuditor"]}],
       "tokens": [{"id": "ro", "secret": "ro-secret"}]}]}""")
    s = fresh_sim(["--config", str(cfg)])
    s.session.headers["Authorization"] = "PVEAPIToken=ci@pve!ro=ro-secret"
    r = s.api("POST", "/nodes/pve1/qemu", data={"vmid": 100})
    assert r.status_code == 403 and r.reason == "Permission check failed (/vms/100, VM.Allocate)"
    r = s.api("POST", "/nodes/pve1/storage/local/upload", data={"content": "iso"},
              files={"filename": ("x.iso", b"data")})
    assert r.status_code == 403 and r.reason == "Permission check failed (/storage/local, Datastore.AllocateTemplate)"
    assert s.api("GET", "/nodes").status_code == 200


def test_json_bodies_are_accepted(sim):
    r = sim.api("POST", "/nodes/pve1/qemu", json={"vmid": 100, "name": "j", "onboot": True, "cores": 2,
                                                  "scsi0": "local-lvm:1"})
    assert r.status_code == 200, r.text
    assert sim.wait_task(r.json()["data"]) == "OK"
    cfg = sim.api("GET", "/nodes/pve1/qemu/100/config").json()["data"]
    assert cfg["onboot"] == 1 and cfg["cores"] == 2 and cfg["name"] == "j"


def test_delete_moves_disk_to_unused_then_frees_it(sim):
    create_vm(sim, 100, scsi1="local-lvm:2")
    assert sim.api("PUT", "/nodes/pve1/qemu/100/config", data={"delete": "scsi1"}).status_code == 200
    cfg = sim.api("GET", "/nodes/pve1/qemu/100/config").json()["data"]
    assert "scsi1" not in cfg and cfg["unused0"] == "local-lvm:vm-100-disk-1"
    assert sim.api("PUT", "/nodes/pve1/qemu/100/config", data={"delete": "unused0"}).status_code == 200
    vols = [v["volid"] for v in sim.api("GET", "/nodes/pve1/storage/local-lvm/content").json()["data"]]
    assert vols == ["local-lvm:vm-100-disk-0"]


def test_pool_membership(sim):
    assert sim.api("POST", "/pools", data={"poolid": "dev", "comment": "team"}).status_code == 200
    create_vm(sim, 100, pool="dev")
    members = sim.api("GET", "/pools/dev").json()["data"]["members"]
    assert [(m["vmid"], m["type"]) for m in members] == [(100, "qemu")]
    r = sim.api("DELETE", "/pools/dev")
    assert r.status_code == 500 and r.reason == "pool 'dev' is not empty"
    assert sim.wait_task(sim.api("DELETE", "/nodes/pve1/qemu/100").json()["data"]) == "OK"
    assert sim.api("GET", "/pools/dev").json()["data"]["members"] == []
    assert sim.api("DELETE", "/pools/dev").status_code == 200
