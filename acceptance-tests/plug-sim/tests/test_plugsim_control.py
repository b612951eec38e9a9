"""The /_sim control API: state, faults, power, settings, reset, request log, errors."""
import time

import pytest
import requests

from plugsim_fixture import KINDS, PlugSimError


def test_state_has_every_device_with_the_contract_fields(plug_sim):
    state = plug_sim.state()
    assert set(state) == set(KINDS)
    for kind, s in state.items():
        assert {"on", "timer_deadline", "power_w", "bastion_open"} <= set(s)
        assert s["on"] is False and s["power_w"] == 0 and s["fault"] == "none"
        assert s["bastion"] == plug_sim.devices[kind]["bastion"]


def test_power_reports_the_draw_of_a_booting_then_running_bastion(plug_sim):
    plug_sim.settings(boot_delay=0.3, device="tasmota")
    plug_sim.power("tasmota", True)
    booting = plug_sim.state("tasmota")["power_w"]
    running = plug_sim.wait_state("tasmota", bastion_open=True)["power_w"]
    assert booting > running > 0


def test_timer_deadline_is_reported(plug_sim):
    d = plug_sim.devices["shelly_gen1"]
    requests.get(d["url"] + "/relay/0?turn=on&timer=30", auth=(d["username"], d["password"]), timeout=5)
    s = plug_sim.state("shelly_gen1")
    assert s["timer_deadline"] == pytest.approx(time.time() + 30, abs=2)
    assert 28 < s["timer_remaining"] <= 30


def test_out_of_band_power_creates_drift_and_cancels_timers(plug_sim):
    d = plug_sim.devices["shelly_gen1"]
    requests.get(d["url"] + "/relay/0?turn=on&timer=30", auth=(d["username"], d["password"]), timeout=5)
    plug_sim.power("shelly_gen1", True)
    s = plug_sim.state("shelly_gen1")
    assert s["on"] is True and s["source"] == "button" and s["timer_deadline"] is None
    r = requests.get(d["url"] + "/relay/0", auth=(d["username"], d["password"]), timeout=5)
    assert r.json()["ison"] is True and r.json()["source"] == "button"


def test_power_all(plug_sim):
    plug_sim.power("all", True)
    assert all(s["on"] for s in plug_sim.state().values())


def test_slow_fault_delays_answers(plug_sim):
    plug_sim.fault("tasmota", "slow", delay_ms=400)
    d = plug_sim.devices["tasmota"]
    started = time.monotonic()
    r = requests.get(d["url"] + "/cm", params={"cmnd": "Power", "user": "admin", "password": d["password"]},
                     timeout=5)
    assert r.json() == {"POWER": "OFF"}
    assert time.monotonic() - started >= 0.4
    with pytest.raises(requests.Timeout):
        requests.get(d["url"] + "/cm?cmnd=Power", timeout=0.15)


def test_slow_home_assistant(plug_sim):
    plug_sim.fault("home_assistant", "slow", delay_ms=300)
    ha = plug_sim.devices["home_assistant"]
    started = time.monotonic()
    r = requests.get(ha["url"] + "/api/", headers={"Authorization": f"Bearer {ha['token']}"}, timeout=5)
    assert r.status_code == 200 and time.monotonic() - started >= 0.3
    started = time.monotonic()
    plug_sim.state()
    assert time.monotonic() - started < 0.3, "the control API is never slowed"


def test_reset_clears_power_faults_timers_and_settings(plug_sim):
    plug_sim.settings(boot_delay=0)
    plug_sim.power("all", True)
    plug_sim.fault("all", "bad_auth")
    d = plug_sim.devices["tasmota"]
    plug_sim.fault("tasmota", "none")
    requests.get(d["url"] + "/cm", params={"cmnd": "PulseTime 150", "user": "admin", "password": d["password"]},
                 timeout=5)
    plug_sim.reset()
    for kind, s in plug_sim.state().items():
        assert s["on"] is False and s["fault"] == "none" and s["timer_deadline"] is None
        assert s["bastion_open"] is False and s["boot_delay"] == plug_sim.boot_delay
    assert not plug_sim.bastion_accepts("tasmota")
    r = requests.get(d["url"] + "/cm", params={"cmnd": "PulseTime", "user": "admin", "password": d["password"]},
                     timeout=5)
    assert r.json()["PulseTime1"]["Set"] == 0


@pytest.mark.parametrize("path, body, message", [
    ("faults", {"device": "toaster", "fault": "none"}, "unknown device 'toaster'"),
    ("faults", {"device": "tasmota", "fault": "melted"}, "fault must be one of"),
    ("faults", {"device": "tasmota"}, '"fault" is required'),
    ("faults", {"fault": "none"}, '"device" is required'),
    ("faults", {"device": "tasmota", "fault": "slow", "delay_ms": -1}, "delay_ms must be"),
    ("power", {"device": "tasmota", "on": "yes"}, '"on" must be true or false'),
    ("settings", {"boot_delay": -2}, '"boot_delay" must be'),
    ("settings", {}, '"boot_delay" (seconds) is required'),
])
def test_bad_control_requests_are_400_with_the_field(plug_sim, path, body, message):
    r = requests.post(f"{plug_sim.control}/{path}", json=body, timeout=5)
    assert r.status_code == 400
    assert message in r.json()["error"]


def test_unknown_endpoint_and_bad_json(plug_sim):
    r = requests.get(f"{plug_sim.control}/nope", timeout=5)
    assert r.status_code == 404 and "/_sim/state" in r.json()["error"]
    r = requests.post(f"{plug_sim.control}/power", data=b"{", timeout=5)
    assert r.status_code == 400 and "not JSON" in r.json()["error"]
    with pytest.raises(PlugSimError, match="HTTP 400"):
        plug_sim.power("nope", True)


def test_request_log_records_status(plug_sim):
    d = plug_sim.devices["shelly_gen1"]
    requests.get(d["url"] + "/relay/0", timeout=5)
    requests.get(d["url"] + "/relay/0", auth=(d["username"], d["password"]), timeout=5)
    log = plug_sim.requests("shelly_gen1")
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/relay/0", 401), ("GET", "/relay/0", 200)]


def test_devices_endpoint_repeats_the_ready_file(plug_sim):
    r = requests.get(f"{plug_sim.control}/devices", timeout=5)
    assert r.json() == plug_sim.info
