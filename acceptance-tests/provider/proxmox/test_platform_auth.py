"""Provider-level Proxmox access (pve-platform): ticket (password) login that survives ticket
expiry during a long apply, fingerprint pinning, and settings from HCL. Uses its own pve-sim
with ticket login enabled."""
import pytest

from pvesim_provider import PveSim

ROOT_PASSWORD = "platform-root-pw"

HCL = """
resource "sarga_vm" "t" {
  count   = 3
  node    = "pve1"
  name    = "ticket-${count.index}"
  started = false
  memory  = { dedicated = 512 }
  disks   = { scsi0 = { storage = "local-lvm", size_gb = 1 } }
}
"""


@pytest.fixture(scope="module")
def ticket_sim():
    sim = PveSim(extra_args=["--root-password", ROOT_PASSWORD])
    yield sim
    sim.stop()


def ticket_env(sim):
    return {
        "SARGA_PROXMOX_ENDPOINT": sim.url,
        "PROXMOX_VE_USERNAME": "root@pam",
        "PROXMOX_VE_PASSWORD": ROOT_PASSWORD,
        "SARGA_PROXMOX_FINGERPRINT": sim.fingerprint,
        # The token fixture variables must not leak in from the environment.
        "SARGA_PROXMOX_API_TOKEN": "",
        "PROXMOX_VE_API_TOKEN": "",
    }


def names(sim):
    return sorted(g.get("name", "") for g in sim.api("GET", "/nodes/pve1/qemu"))


def test_ticket_auth_outlives_ticket_expiry(ticket_sim, workspace):
    sim = ticket_sim
    sim.reset()
    # Tickets die after 2 s; each create runs 1.5 s, one at a time: the apply needs several.
    sim.settings({"ticket_lifetime": 2, "task_durations": {"qmcreate": 1.5}})
    workspace.env = dict(workspace.env, **ticket_env(sim))
    workspace.write(HCL)
    workspace.init()
    workspace.apply("-parallelism=1")
    assert names(sim) == ["ticket-0", "ticket-1", "ticket-2"]
    workspace.assert_no_changes()
    workspace.destroy()
    assert names(sim) == []


def test_wrong_password_is_a_clear_error_without_the_secret(ticket_sim, workspace):
    sim = ticket_sim
    sim.reset()
    env = ticket_env(sim)
    env["PROXMOX_VE_PASSWORD"] = "not-the-password-123"
    workspace.env = dict(workspace.env, **env)
    workspace.write(HCL)
    workspace.init()
    proc = workspace.apply(expect=1)
    out = proc.stdout + proc.stderr
    assert "unauthorized" in out, out
    assert "not-the-password-123" not in out


def test_wrong_fingerprint_is_refused(ticket_sim, workspace):
    sim = ticket_sim
    sim.reset()
    env = ticket_env(sim)
    fp = sim.fingerprint
    env["SARGA_PROXMOX_FINGERPRINT"] = ("00" if not fp.startswith("00") else "11") + fp[2:]
    workspace.env = dict(workspace.env, **env)
    workspace.write(HCL)
    workspace.init()
    proc = workspace.apply(expect=1)
    out = proc.stdout + proc.stderr
    assert "fingerprint" in out, out
    assert names(sim) == []


def test_settings_from_hcl_with_a_concurrency_limit(ticket_sim, workspace):
    sim = ticket_sim
    sim.reset()
    workspace.env = dict(workspace.env, SARGA_PROXMOX_API_TOKEN="", PROXMOX_VE_API_TOKEN="")
    workspace.write(f"""
terraform {{
  required_providers {{
    sarga = {{ source = "sarga/sarga" }}
  }}
}}

provider "sarga" {{
  proxmox {{
    endpoint                = "{sim.url}"
    username                = "root@pam"
    password                = "{ROOT_PASSWORD}"
    fingerprint             = "{sim.fingerprint}"
    max_concurrent_requests = 1
  }}
}}
""" + HCL, with_provider=False)
    workspace.init()
    workspace.apply("-parallelism=3")
    assert names(sim) == ["ticket-0", "ticket-1", "ticket-2"]
    workspace.assert_no_changes()
