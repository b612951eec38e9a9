"""The bastion behind each plug: a TCP port that opens boot-delay seconds after power-on and
closes, dropping sessions, at power-off, also when the device's own timer switches it off."""
import socket
import time

import pytest
import requests

from plugsim_fixture import KINDS


def connect(sim, kind):
    d = sim.devices[kind]
    return socket.create_connection((d["bastion_host"], d["bastion_port"]), timeout=2)


@pytest.mark.parametrize("kind", KINDS)
def test_port_opens_after_boot_delay_and_closes_at_power_off(plug_sim, kind):
    plug_sim.settings(boot_delay=0.6, device=kind)
    assert not plug_sim.bastion_accepts(kind)
    started = time.monotonic()
    plug_sim.power(kind, True)
    assert not plug_sim.bastion_accepts(kind), "still booting"
    assert plug_sim.state(kind)["bastion_open"] is False
    while not plug_sim.bastion_accepts(kind):
        assert time.monotonic() - started < 5, "bastion never opened"
        time.sleep(0.05)
    assert time.monotonic() - started >= 0.55
    others = [k for k in KINDS if k != kind]
    assert not any(plug_sim.bastion_accepts(k) for k in others), "each plug powers its own bastion"
    with connect(plug_sim, kind) as conn:
        assert conn.recv(64).startswith(b"SSH-2.0-")
        plug_sim.power(kind, False)
        conn.settimeout(2)
        try:
            assert conn.recv(64) == b"", "power-off ends the session"
        except ConnectionResetError:
            pass
    assert not plug_sim.bastion_accepts(kind)
    assert plug_sim.state(kind)["bastion_open"] is False


def test_port_stays_the_same_across_power_cycles(plug_sim):
    port = plug_sim.devices["tasmota"]["bastion_port"]
    for _ in range(2):
        plug_sim.power("tasmota", True)
        plug_sim.wait_state("tasmota", bastion_open=True)
        assert plug_sim.state("tasmota")["bastion"] == f"127.0.0.1:{port}"
        assert plug_sim.bastion_accepts("tasmota")
        plug_sim.power("tasmota", False)
        assert not plug_sim.bastion_accepts("tasmota")


def test_power_off_during_boot_never_opens(plug_sim):
    plug_sim.settings(boot_delay=0.4, device="shelly_gen1")
    plug_sim.power("shelly_gen1", True)
    plug_sim.power("shelly_gen1", False)
    time.sleep(0.7)
    assert not plug_sim.bastion_accepts("shelly_gen1")


def test_quick_off_on_reboots_with_a_full_delay(plug_sim):
    plug_sim.settings(boot_delay=1.0, device="shelly_gen1")
    plug_sim.power("shelly_gen1", True)
    time.sleep(0.6)
    plug_sim.power("shelly_gen1", False)
    plug_sim.power("shelly_gen1", True)
    time.sleep(0.6)  # 1.2 s after the first power-on, 0.6 s after the second
    assert not plug_sim.bastion_accepts("shelly_gen1")
    plug_sim.wait_state("shelly_gen1", timeout=5, bastion_open=True)


def test_device_timer_darkens_the_bastion_without_any_client(plug_sim):
    gen2 = plug_sim.devices["shelly_gen2"]
    r = requests.get(f"{gen2['url']}/rpc/Switch.Set?id=0&on=true&toggle_after=1.2", timeout=5,
                     auth=requests.auth.HTTPDigestAuth("admin", gen2["password"]))
    assert r.status_code == 200
    plug_sim.wait_state("shelly_gen2", timeout=5, bastion_open=True)
    assert plug_sim.bastion_accepts("shelly_gen2")
    deadline = plug_sim.state("shelly_gen2")["timer_deadline"]
    time.sleep(max(0.0, deadline - time.time()) + 0.3)
    assert not plug_sim.bastion_accepts("shelly_gen2")
    assert plug_sim.state("shelly_gen2")["on"] is False


def test_zero_boot_delay_opens_at_once(plug_sim):
    plug_sim.settings(boot_delay=0)
    plug_sim.power("home_assistant", True)
    assert plug_sim.bastion_accepts("home_assistant")
