"""VMID races (pain point 1): another client creates guests through the API while tofu
creates VMs without a fixed VMID. /cluster/nextid is a check, not a reservation, so both
sides keep picking the same candidates; the provider must move on to another VMID and never
touch the other clients' guests."""
import json
import subprocess
import sys
import textwrap

from scenarios import guests, orphans, state_instances, vmid_of

# A second client in its own process: /cluster/nextid + create, as fast as it can, until
# its stop file appears; one JSON line per guest it made, "collisions" at the end.
INTRUDER = textwrap.dedent("""
    import json, os, sys, time, requests
    url, token, cert, node, stop = sys.argv[1:]
    s = requests.Session()
    s.verify = cert
    s.headers["Authorization"] = "PVEAPIToken=" + token
    api = url + "/api2/json"
    n = collisions = 0
    while not os.path.exists(stop):
        vmid = int(s.get(api + "/cluster/nextid", timeout=30).json()["data"])
        name = "intruder-%s-%d" % (node, n)
        r = s.post(api + "/nodes/%s/qemu" % node, data={"vmid": vmid, "name": name, "memory": 256}, timeout=30)
        n += 1
        if r.status_code != 200:
            if "already exists" in r.text or "got timeout" in r.text:
                collisions += 1
                continue
            print(json.dumps({"error": r.text}), flush=True)
            sys.exit(1)
        upid = r.json()["data"]
        while True:
            st = s.get(api + "/nodes/%s/tasks/%s/status" % (node, upid), timeout=30)
            if st.status_code == 200 and st.json()["data"]["status"] == "stopped":
                break
            time.sleep(0.05)
        if st.json()["data"]["exitstatus"] == "OK":
            print(json.dumps({"vmid": vmid, "name": name}), flush=True)
        else:
            collisions += 1
    print(json.dumps({"collisions": collisions}), flush=True)
""")


class Intruder:
    """Starts the intruder process against `node`; stop() returns {vmid: name}, collisions."""

    def __init__(self, sim, node, workdir):
        self.stop_file = workdir / f"stop-{node}"
        self.proc = subprocess.Popen([sys.executable, "-c", INTRUDER, sim.url, sim.token, sim.cert, node,
                                      str(self.stop_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)

    def stop(self):
        self.stop_file.touch()
        out, err = self.proc.communicate(timeout=60)
        assert self.proc.returncode == 0, f"intruder failed: {out}\n{err}"
        created, collisions = {}, None
        for line in out.splitlines():
            rec = json.loads(line)
            if "vmid" in rec:
                created[rec["vmid"]] = rec["name"]
            collisions = rec.get("collisions", collisions)
        return created, collisions


def test_vmid_allocation_races_with_another_client(pve_sim, pve_workspace):
    pve_sim.reset()
    pve_sim.settings({"task_durations": {"qmcreate": 0.2}})
    ws = pve_workspace
    ws.write("""
    resource "sarga_vm" "race" {
      count   = 8
      node    = "pve1"
      name    = "race-${count.index}"
      started = false
      memory  = { dedicated = 512 }
      disks   = { scsi0 = { storage = "local-lvm", size_gb = 1 } }
    }
    """)
    ws.init()
    # Two other clients, on another node and on the same node as tofu.
    intruders = [Intruder(pve_sim, "pve2", ws.path), Intruder(pve_sim, "pve1", ws.path)]
    try:
        ws.apply("-parallelism=8")
    finally:
        results = [i.stop() for i in intruders]
    created = {}
    for made, _ in results:
        created.update(made)
    assert len(created) >= 4, "the intruders did not race at all"

    inst = state_instances(ws)
    assert len(inst) == 8
    cluster = guests(pve_sim)
    ours = set()
    for addr, entry in inst.items():
        vmid = vmid_of(entry["values"])
        assert vmid not in created, f"{addr} took an intruder's VM {vmid}"
        assert cluster[vmid]["node"] == "pve1" and cluster[vmid]["name"].startswith("race-"), cluster[vmid]
        ours.add(vmid)
    assert len(ours) == 8
    # The intruders' guests are untouched.
    for vmid, name in created.items():
        assert cluster[vmid]["name"] == name and name.startswith(f"intruder-{cluster[vmid]['node']}-")
    stray, disks = orphans(pve_sim, ours | set(created))
    assert not stray and not disks, (stray, disks)

    ws.assert_no_changes()
    ws.destroy()
    left = guests(pve_sim)
    assert set(left) == set(created), sorted(left)


def test_random_vmid_range_under_races(pve_sim, pve_workspace):
    pve_sim.reset()
    # Fill part of the range first: the random picks must step over taken IDs.
    pve_sim.seed_guests(30, 5000)
    ws = pve_workspace
    ws.write("""
    resource "sarga_vm" "r" {
      count      = 6
      node       = "pve3"
      name       = "rand-${count.index}"
      started    = false
      vmid_range = { from = 5000, to = 5099, random = true }
    }
    """)
    ws.init()
    ws.apply("-parallelism=6")
    inst = state_instances(ws)
    vmids = {vmid_of(e["values"]) for e in inst.values()}
    assert len(vmids) == 6
    assert all(5030 <= v <= 5099 for v in vmids), sorted(vmids)
    cluster = guests(pve_sim)
    assert all(cluster[v]["name"].startswith("rand-") for v in vmids)
    ws.assert_no_changes()
    ws.destroy()
    assert not vmids & set(guests(pve_sim))
