"""Tasmota /cm commands: Power, PulseTime (tenths and seconds+100), Status, WARNING bodies."""
import time

import pytest
import requests

from plugsim.tasmota import pulse_seconds, pulse_value


@pytest.fixture
def tas(plug_sim):
    d = plug_sim.devices["tasmota"]

    def cmnd(command, user=d["username"], password=d["password"]):
        params = {"cmnd": command}
        if user is not None:
            params.update(user=user, password=password)
        r = requests.get(d["url"] + "/cm", params=params, timeout=5)
        assert r.status_code == 200, r.text
        return r.json()

    return cmnd


@pytest.mark.parametrize("value, seconds", [(0, 0), (1, 0.1), (10, 1.0), (111, 11.1), (112, 12),
                                            (200, 100), (1900, 1800), (64900, 64800), (70000, 64800)])
def test_pulsetime_units(value, seconds):
    assert pulse_seconds(value) == pytest.approx(seconds)


@pytest.mark.parametrize("seconds, value", [(0.5, 5), (11.1, 111), (30, 130), (1800, 1900)])
def test_pulsetime_remaining_units(seconds, value):
    assert pulse_value(seconds) == value


def test_power_commands(tas, plug_sim):
    assert tas("Power") == {"POWER": "OFF"}
    assert tas("Power On") == {"POWER": "ON"}
    assert plug_sim.state("tasmota")["on"] is True
    assert tas("Power1") == {"POWER": "ON"}
    assert tas("power1 off") == {"POWER": "OFF"}
    assert tas("Power TOGGLE") == {"POWER": "ON"}
    assert tas("Power 0") == {"POWER": "OFF"}
    assert tas("Power 1") == {"POWER": "ON"}
    assert plug_sim.state("tasmota")["on"] is True


@pytest.mark.parametrize("user, password", [(None, None), ("admin", "wrong"), ("root", "")])
def test_bad_credentials_answer_a_warning_body_not_401(tas, plug_sim, user, password):
    assert tas("Power On", user=user, password=password) == {
        "WARNING": "Need user=<username>&password=<password>"}
    assert plug_sim.state("tasmota")["on"] is False


def test_pulsetime_turns_off_after_power_on(tas, plug_sim):
    assert tas("PulseTime") == {"PulseTime1": {"Set": 0, "Remaining": 0}}
    assert tas("PulseTime1 6") == {"PulseTime1": {"Set": 6, "Remaining": 0}}
    started = time.monotonic()
    assert tas("Power On") == {"POWER": "ON"}
    remaining = tas("PulseTime")["PulseTime1"]["Remaining"]
    assert 1 <= remaining <= 6
    plug_sim.wait_state("tasmota", timeout=5, on=False)
    assert 0.5 <= time.monotonic() - started < 3
    assert tas("Power") == {"POWER": "OFF"}


def test_long_pulsetime_is_seconds_plus_100(tas, plug_sim):
    tas("PulseTime 130")
    tas("Power On")
    st = plug_sim.state("tasmota")
    assert st["timer_remaining"] == pytest.approx(30, abs=1)
    remaining = tas("PulseTime1")["PulseTime1"]["Remaining"]
    assert 128 <= remaining <= 130
    tas("Power Off")
    assert plug_sim.state("tasmota")["timer_deadline"] is None, "Power Off cancels the pulse"


def test_pulsetime_zero_keeps_power_on(tas, plug_sim):
    tas("PulseTime 0")
    tas("Power On")
    assert plug_sim.state("tasmota")["timer_deadline"] is None


def test_backlog_runs_in_order(tas, plug_sim):
    result = tas("Backlog PulseTime1 5; Power1 ON")
    assert result == {"PulseTime1": {"Set": 5, "Remaining": 0}, "POWER": "ON"}
    plug_sim.wait_state("tasmota", timeout=5, on=False)


def test_status_readings(tas, plug_sim):
    tas("Power On")
    plug_sim.wait_state("tasmota", bastion_open=True)
    sns = tas("Status 8")["StatusSNS"]
    assert sns["ENERGY"]["Power"] == round(plug_sim.state("tasmota")["power_w"]) > 0
    assert "Voltage" in sns["ENERGY"] and "Time" in sns
    full = tas("Status 0")
    assert {"Status", "StatusFWR", "StatusSNS", "StatusSTS"} <= set(full)
    assert full["StatusSTS"]["POWER"] == "ON"
    assert tas("Status")["Status"]["Power"] == "1"
    assert tas("Status 11")["StatusSTS"]["POWER"] == "ON"


def test_unknown_and_bad_commands(tas):
    assert tas("Explode") == {"Command": "Unknown"}
    assert tas("Power sideways") == {"Command": "Error"}
    assert tas("PulseTime soon") == {"Command": "Error"}


def test_faults(tas, plug_sim):
    plug_sim.fault("tasmota", "bad_auth")
    assert "WARNING" in tas("Power On")
    assert plug_sim.state("tasmota")["on"] is False
    plug_sim.fault("tasmota", "unavailable")
    with pytest.raises(requests.ConnectionError):
        tas("Power")
    plug_sim.fault("tasmota", "none")
    assert tas("Power") == {"POWER": "OFF"}


def test_credentials_never_reach_the_request_log(tas, plug_sim):
    tas("Power")
    password = plug_sim.devices["tasmota"]["password"]
    log = plug_sim.requests("tasmota")
    assert log and all(password not in entry["path"] for entry in log)
    assert "password=***" in log[-1]["path"]


def test_post_with_a_form_body(plug_sim):
    d = plug_sim.devices["tasmota"]
    r = requests.post(d["url"] + "/cm", data={"user": "admin", "password": d["password"], "cmnd": "Power On"},
                      timeout=5)
    assert r.json() == {"POWER": "ON"}
    r = requests.post(d["url"] + "/cm", data={"user": "admin", "password": "no", "cmnd": "Power Off"}, timeout=5)
    assert "WARNING" in r.json()
    assert plug_sim.state("tasmota")["on"] is True
