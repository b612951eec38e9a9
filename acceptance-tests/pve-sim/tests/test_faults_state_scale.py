"""Deterministic faults, state persistence and control endpoints, custom clusters, 1,000 guests."""
import json
import time

import pytest
import requests


def pattern(sim, n=40):
    out = ""
    for _ in range(n):
        out += "X" if sim.api("GET", "/nodes/pve1/status").status_code == 503 else "."
    return out


def test_faults_are_deterministic_with_a_seed(sim):
    plan = {"seed": 1234, "requests": [{"path": "^/nodes/[^/]+/status$", "rate": 0.4, "status": 503,
                                        "message": "simulated outage"}]}
    sim.control("POST", "faults", plan)
    first = pattern(sim)
    sim.control("POST", "faults", plan)  # re-arming resets the counters
    assert pattern(sim) == first
    assert 4 < first.count("X") < 36
    plan["seed"] = 99
    sim.control("POST", "faults", plan)
    assert pattern(sim) != first
    r = sim.api("GET", "/version")
    assert r.status_code == 200


def test_error_fault_uses_pve_shape(sim):
    sim.control("POST", "faults", {"requests": [{"path": "/version", "status": 500, "message": "boom"}]})
    r = sim.api("GET", "/version")
    assert r.status_code == 500 and r.reason == "boom" and r.json() == {"data": None, "message": "boom\n"}


def test_dropped_connection_and_slow_answer(sim):
    sim.control("POST", "faults", {"requests": [{"path": "^/version$", "kind": "drop", "max_hits": 1},
                                                {"path": "^/nodes$", "kind": "slow", "delay_ms": 600}]})
    with pytest.raises(requests.exceptions.ConnectionError):
        sim.api("GET", "/version")
    assert sim.api("GET", "/version").status_code == 200  # max_hits reached
    start = time.time()
    assert sim.api("GET", "/nodes").status_code == 200
    assert time.time() - start >= 0.6


def test_failing_task_fault(sim):
    sim.control("POST", "faults", {"tasks": [{"type": "^qmcreate$", "error": "unable to create VM: simulated"}]})
    upid = sim.api("POST", "/nodes/pve1/qemu", data={"vmid": 100, "scsi0": "local-lvm:1"}).json()["data"]
    assert sim.wait_task(upid) == "unable to create VM: simulated"
    # A failed create leaves nothing behind.
    assert sim.api("GET", "/nodes/pve1/qemu/100/config").status_code == 500
    assert sim.api("GET", "/nodes/pve1/storage/local-lvm/content").json()["data"] == []


def test_lock_hold_fault_extends_clone(sim):
    sim.api("POST", "/nodes/pve1/qemu", data={"vmid": 100})
    time.sleep(0.2)
    sim.control("POST", "faults", {"lock_hold": {"qmclone": 1.5}})
    start = time.time()
    upid = sim.api("POST", "/nodes/pve1/qemu/100/clone", data={"newid": 101}).json()["data"]
    assert sim.api("GET", "/nodes/pve1/qemu/101/status/current").json()["data"]["lock"] == "clone"
    # A config update waits for the clone worker's lock (PVE: up to 10 s), then applies.
    r = sim.api("PUT", "/nodes/pve1/qemu/101/config", data={"name": "x"})
    assert r.status_code == 200 and time.time() - start >= 1.5
    assert sim.wait_task(upid) == "OK"
    assert "lock" not in sim.api("GET", "/nodes/pve1/qemu/101/config").json()["data"]


def test_bad_fault_plan_names_the_field(sim):
    r = sim.session.post(sim.url + "/_sim/faults", json={"requests": [{"path": "x", "rate": 3}]})
    assert r.status_code == 400 and "requests[0].rate" in r.json()["error"]


def test_snapshot_restore_reset(sim):
    sim.api("POST", "/nodes/pve1/qemu", data={"vmid": 100, "name": "keep"})
    time.sleep(0.2)
    snap = sim.control("GET", "snapshot")
    sim.control("POST", "reset")
    assert sim.api("GET", "/nodes/pve1/qemu").json()["data"] == []
    sim.control("POST", "restore", snap)
    assert sim.api("GET", "/nodes/pve1/qemu/100/config").json()["data"]["name"] == "keep"


def test_state_file_survives_restart(fresh_sim, tmp_path):
    state = str(tmp_path / "state.json")
    s = fresh_sim(state=state)
    s.control("POST", "settings", {"all_tasks": 0})
    s.api("POST", "/nodes/pve3/qemu", data={"vmid": 777, "name": "persisted", "scsi0": "local-lvm:2"})
    time.sleep(0.2)
    s.stop()
    data = json.load(open(state))
    assert [g["vmid"] for g in data["guests"]] == [777]
    s2 = fresh_sim(state=state)
    cfg = s2.api("GET", "/nodes/pve3/qemu/777/config").json()["data"]
    assert cfg["name"] == "persisted" and cfg["scsi0"] == "local-lvm:vm-777-disk-0,size=2G"


def test_custom_cluster_config(fresh_sim, tmp_path):
    cfg = tmp_path / "cluster.json"
    cfg.write_text(json.dumps({
        "cluster_name": "lab", "nodes": [{"name": "alpha", "cpus": 4}, "beta"],
        "storages": [{"id": "fast", "type": "lvmthin", "content": ["images", "rootdir"]},
                     {"id": "shared", "type": "nfs", "content": ["iso", "images"], "nodes": ["beta"]}],
        "bridges": ["vmbr0", "vmbr1"]}))
    s = fresh_sim(["--config", str(cfg)])
    assert [n["node"] for n in s.api("GET", "/nodes").json()["data"]] == ["alpha", "beta"]
    assert s.api("GET", "/cluster/status").json()["data"][0]["name"] == "lab"
    assert [x["storage"] for x in s.api("GET", "/nodes/alpha/storage").json()["data"]] == ["fast"]
    r = s.api("GET", "/nodes/gamma/qemu")
    assert r.status_code in (400, 500)


def test_bad_cluster_config_is_reported(tmp_path):
    import subprocess
    from pvesim_fixture import sim_binary
    cfg = tmp_path / "cluster.json"
    cfg.write_text('{"nodes": ["a"], "storages": [{"id": "x", "type": "zfs", "content": []}]}')
    out = subprocess.run([sim_binary(), "--listen", "127.0.0.1:0", "--config", str(cfg)],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "storages[0].type" in out.stderr and str(cfg) in out.stderr


def test_thousand_guests_on_three_nodes(sim):
    sim.control("POST", "settings", {"all_tasks": 0})
    start = time.time()
    for i in range(1000):
        node = f"pve{i % 3 + 1}"
        r = sim.api("POST", f"/nodes/{node}/qemu", data={"vmid": 1000 + i, "name": f"vm{i}", "cores": 1,
                                                         "scsi0": "local-lvm:1", "net0": "virtio,bridge=vmbr0"})
        assert r.status_code == 200, r.text
    created = time.time() - start
    vms = sim.api("GET", "/cluster/resources", params={"type": "vm"}).json()["data"]
    assert len(vms) == 1000
    assert {v["node"] for v in vms} == {"pve1", "pve2", "pve3"}
    assert len(sim.api("GET", "/nodes/pve2/qemu").json()["data"]) == 333
    for vmid in (1000, 1500, 1999):
        node = f"pve{(vmid - 1000) % 3 + 1}"
        assert sim.api("GET", f"/nodes/{node}/qemu/{vmid}/config").json()["data"]["name"] == f"vm{vmid - 1000}"
    assert sim.api("GET", "/cluster/nextid").json()["data"] == "100"
    print(f"created 1000 VMs in {created:.1f}s")


def test_ready_file_and_listen_errors(tmp_path):
    import subprocess
    from pvesim_fixture import Sim, sim_binary
    ready = tmp_path / "ready"
    s = Sim(["--ready-file", str(ready)])
    try:
        assert ready.read_text().strip() == s.url
        out = subprocess.run([sim_binary(), "--listen", f"127.0.0.1:{s.port}"], capture_output=True, text=True,
                             timeout=30)
        assert out.returncode == 1 and f"cannot listen on 127.0.0.1:{s.port}" in out.stderr
        out = subprocess.run([sim_binary(), "--listen", "nonsense"], capture_output=True, text=True, timeout=30)
        assert out.returncode == 1 and "--listen" in out.stderr
    finally:
        s.stop()
