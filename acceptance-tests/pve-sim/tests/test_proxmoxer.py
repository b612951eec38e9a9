"""proxmoxer (PyPI) drives create, clone, config, start, stop, delete with both auth flows."""
import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException
from proxmoxer.tools import Tasks

from pvesim_fixture import ROOT_PASSWORD, TOKEN_SECRET


def token_client(sim):
    return ProxmoxAPI("127.0.0.1", port=sim.port, user="root@pam", token_name="sarga",
                      token_value=TOKEN_SECRET, verify_ssl=sim.cert, timeout=30)


def ticket_client(sim):
    return ProxmoxAPI("127.0.0.1", port=sim.port, user="root@pam", password=ROOT_PASSWORD,
                      verify_ssl=sim.cert, timeout=30)


def wait(prox, upid):
    status = Tasks.blocking_status(prox, upid, timeout=30, polling_interval=0.05)
    assert status is not None, f"task {upid} timed out"
    return status["exitstatus"]


@pytest.mark.parametrize("make_client", [token_client, ticket_client], ids=["token", "ticket"])
def test_vm_lifecycle(sim, make_client):
    prox = make_client(sim)
    assert prox.version.get()["release"] == "9.1"
    node = prox.nodes("pve2")
    vmid = int(prox.cluster.nextid.get())
    upid = node.qemu.post(vmid=vmid, name="web-1", cores=2, memory=2048, scsi0="local-lvm:8",
                          net0="virtio,bridge=vmbr0,tag=20", tags="web;Prod", agent="enabled=1")
    assert Tasks.decode_upid(upid)["type"] == "qmcreate"
    assert wait(prox, upid) == "OK"

    cfg = node.qemu(vmid).config.get()
    assert cfg["name"] == "web-1" and cfg["cores"] == 2
    assert cfg["scsi0"] == f"local-lvm:vm-{vmid}-disk-0,size=8G"
    assert cfg["net0"].startswith("virtio=BC:24:11:") and cfg["net0"].endswith(",bridge=vmbr0,tag=20")
    assert cfg["tags"] == "Prod;web"

    node.qemu(vmid).config.put(memory=4096, description="updated", digest=cfg["digest"])
    assert node.qemu(vmid).config.get()["memory"] == "4096"
    with pytest.raises(ResourceException) as stale:
        node.qemu(vmid).config.put(memory=1024, digest=cfg["digest"])
    assert stale.value.status_code == 500

    assert wait(prox, node.qemu(vmid).template.post()) == "OK"
    clone_id = vmid + 1
    assert wait(prox, node.qemu(vmid).clone.post(newid=clone_id, name="web-2", full=1)) == "OK"
    clone_cfg = node.qemu(clone_id).config.get()
    assert clone_cfg["name"] == "web-2"
    assert clone_cfg["scsi0"] == f"local-lvm:vm-{clone_id}-disk-0,size=8G"

    assert wait(prox, node.qemu(clone_id).status.start.post()) == "OK"
    assert node.qemu(clone_id).status.current.get()["status"] == "running"
    assert node.qemu(clone_id).agent.ping.post() == {"result": {}}
    assert wait(prox, node.qemu(clone_id).status.stop.post()) == "OK"
    assert node.qemu(clone_id).status.current.get()["status"] == "stopped"

    assert wait(prox, node.qemu(clone_id).delete(purge=1)) == "OK"
    assert wait(prox, node.qemu(vmid).delete()) == "OK"
    assert [v["vmid"] for v in node.qemu.get()] == []
    with pytest.raises(ResourceException) as gone:
        node.qemu(vmid).config.get()
    assert gone.value.status_code == 500
    assert "does not exist" in gone.value.content


def test_proxmoxer_sees_schema_errors(sim):
    prox = token_client(sim)
    with pytest.raises(ResourceException) as err:
        prox.nodes("pve1").qemu.post(vmid=99, cores="many")
    assert err.value.status_code == 400
    assert set(err.value.errors) == {"vmid", "cores"}


def test_ticket_with_wrong_password_is_401(sim):
    with pytest.raises(Exception) as err:
        ProxmoxAPI("127.0.0.1", port=sim.port, user="root@pam", password="nope", verify_ssl=sim.cert)
    # proxmoxer 2.2 says "Couldn't authenticate user", 2.3 includes the 401.
    assert "401" in str(err.value) or "authenticate" in str(err.value).lower()
