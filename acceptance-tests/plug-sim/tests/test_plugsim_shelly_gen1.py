"""Shelly Gen1 HTTP API: /shelly, /relay/0 with a flip-back timer, /status meters, basic auth."""
import time

import pytest
import requests


@pytest.fixture
def gen1(plug_sim):
    d = plug_sim.devices["shelly_gen1"]

    class Client:
        url = d["url"]
        auth = (d["username"], d["password"])

        def get(self, path, auth=True, **params):
            return requests.get(self.url + path, params=params, timeout=5,
                                auth=self.auth if auth is True else auth or None)

    return Client()


def test_shelly_is_open_and_reports_auth(gen1):
    r = gen1.get("/shelly", auth=False)
    assert r.status_code == 200
    info = r.json()
    assert info["type"] == "SHPLG-S" and info["auth"] is True and info["num_outputs"] == 1
    assert "gen" not in info, "Gen1 has no gen field; clients tell the generations apart by it"


@pytest.mark.parametrize("auth", [False, ("admin", "wrong"), ("root", None)])
def test_relay_needs_basic_auth(gen1, plug_sim, auth):
    if auth and auth[1] is None:
        auth = (auth[0], gen1.auth[1])
    r = gen1.get("/relay/0", auth=auth, turn="on")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert plug_sim.state("shelly_gen1")["on"] is False


def test_relay_status_and_turn(gen1, plug_sim):
    st = gen1.get("/relay/0").json()
    assert st == {"ison": False, "has_timer": False, "timer_started": 0, "timer_duration": 0,
                  "timer_remaining": 0, "overpower": False, "source": "init"}
    st = gen1.get("/relay/0", turn="on").json()
    assert st["ison"] is True and st["has_timer"] is False and st["source"] == "http"
    assert plug_sim.state("shelly_gen1")["on"] is True
    assert gen1.get("/relay/0", turn="toggle").json()["ison"] is False
    assert gen1.get("/relay/0", turn="toggle").json()["ison"] is True
    assert gen1.get("/relay/0", turn="off").json()["ison"] is False
    assert plug_sim.state("shelly_gen1")["on"] is False


def test_timer_flips_back(gen1, plug_sim):
    st = gen1.get("/relay/0", turn="on", timer="1").json()
    assert st["ison"] is True and st["has_timer"] is True
    assert st["timer_duration"] == 1 and st["timer_remaining"] in (0, 1)
    assert st["timer_started"] == pytest.approx(time.time(), abs=2)
    plug_sim.wait_state("shelly_gen1", timeout=5, on=False, source="timer")
    st = gen1.get("/relay/0").json()
    assert st["ison"] is False and st["has_timer"] is False


def test_status_meters_follow_power(gen1, plug_sim):
    assert gen1.get("/status").json()["meters"][0]["power"] == 0
    gen1.get("/relay/0", turn="on")
    plug_sim.wait_state("shelly_gen1", bastion_open=True)
    status = gen1.get("/status").json()
    assert status["relays"][0]["ison"] is True
    assert status["meters"][0]["power"] == pytest.approx(plug_sim.state("shelly_gen1")["power_w"])
    assert status["meters"][0]["power"] > 0


def test_bad_requests(gen1):
    assert gen1.get("/relay/0", turn="sideways").status_code == 400
    assert gen1.get("/relay/0", turn="on", timer="soon").status_code == 400
    assert gen1.get("/relay/1", turn="on").status_code == 404
    assert gen1.get("/nope").status_code == 404


def test_settings_auto_off(gen1, plug_sim):
    settings = gen1.get("/settings").json()
    assert settings["login"] == {"enabled": True, "unprotected": False, "username": "admin"}
    relay = gen1.get("/settings/relay/0", auto_off="0.5").json()
    assert relay["auto_off"] == 0.5
    gen1.get("/relay/0", turn="on")
    plug_sim.wait_state("shelly_gen1", timeout=5, on=False, source="timer")


def test_faults(gen1, plug_sim):
    plug_sim.fault("shelly_gen1", "bad_auth")
    assert gen1.get("/relay/0").status_code == 401
    plug_sim.fault("shelly_gen1", "unavailable")
    with pytest.raises(requests.ConnectionError):
        gen1.get("/relay/0")
    plug_sim.fault("shelly_gen1", "none")
    assert gen1.get("/relay/0").status_code == 200
