"""Home Assistant REST API as documented: Bearer token, states, entity services."""
import datetime

import pytest
import requests


@pytest.fixture
def ha(plug_sim):
    d = plug_sim.devices["home_assistant"]

    class Client:
        url = d["url"]
        headers = {"Authorization": f"Bearer {d['token']}"}

        def get(self, path, **kw):
            return requests.get(self.url + path, headers=kw.pop("headers", self.headers), timeout=5, **kw)

        def post(self, path, **kw):
            return requests.post(self.url + path, headers=kw.pop("headers", self.headers), timeout=5, **kw)

        def state(self, entity_id):
            r = self.get(f"/api/states/{entity_id}")
            assert r.status_code == 200, r.text
            return r.json()

    return Client()


def test_api_running(ha):
    r = ha.get("/api/")
    assert r.status_code == 200
    assert r.json() == {"message": "API running."}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
@pytest.mark.parametrize("path", ["/api/", "/api/states/switch.bastion"])
def test_missing_or_wrong_token_is_401(ha, headers, path):
    r = ha.get(path, headers=headers)
    assert r.status_code == 401
    assert r.text == "401: Unauthorized"


def test_service_without_token_is_401_and_switches_nothing(ha, plug_sim):
    r = ha.post("/api/services/switch/turn_on", headers={}, json={"entity_id": "switch.bastion"})
    assert r.status_code == 401
    assert plug_sim.state("home_assistant")["on"] is False


def test_state_object_shape(ha):
    s = ha.state("switch.bastion")
    assert s["entity_id"] == "switch.bastion"
    assert s["state"] == "off"
    assert s["attributes"]["friendly_name"] == "Bastion"
    assert set(s) >= {"last_changed", "last_updated", "context"}
    datetime.datetime.fromisoformat(s["last_changed"])
    assert "timer" not in str(s["attributes"]), "HA exposes no device auto-off timer"


def test_unknown_entity_is_404_entity_not_found(ha):
    r = ha.get("/api/states/switch.nope")
    assert r.status_code == 404
    assert r.json() == {"message": "Entity not found."}


def test_turn_on_returns_changed_states_then_empty_when_already_on(ha, plug_sim):
    r = ha.post("/api/services/switch/turn_on", json={"entity_id": "switch.bastion"})
    assert r.status_code == 200
    changed = r.json()
    assert [s["entity_id"] for s in changed] == ["switch.bastion"]
    assert changed[0]["state"] == "on"
    assert plug_sim.state("home_assistant")["on"] is True
    again = ha.post("/api/services/switch/turn_on", json={"entity_id": "switch.bastion"})
    assert again.status_code == 200 and again.json() == []
    assert ha.state("switch.bastion")["state"] == "on"


def test_turn_off_and_toggle(ha, plug_sim):
    ha.post("/api/services/switch/turn_on", json={"entity_id": "switch.bastion"})
    r = ha.post("/api/services/switch/turn_off", json={"entity_id": ["switch.bastion"]})
    assert r.json()[0]["state"] == "off"
    assert plug_sim.state("home_assistant")["on"] is False
    r = ha.post("/api/services/switch/toggle", json={"entity_id": "switch.bastion"})
    assert r.json()[0]["state"] == "on"
    r = ha.post("/api/services/switch/toggle", json={"entity_id": "switch.bastion"})
    assert r.json()[0]["state"] == "off"
    assert plug_sim.state("home_assistant")["switch_count"] == 4


def test_input_boolean_drives_the_same_plug(ha, plug_sim):
    r = ha.post("/api/services/input_boolean/turn_on", json={"entity_id": "input_boolean.bastion"})
    assert [s["entity_id"] for s in r.json()] == ["input_boolean.bastion"]
    assert plug_sim.state("home_assistant")["on"] is True
    assert ha.state("switch.bastion")["state"] == "on"
    assert ha.state("input_boolean.bastion")["state"] == "on"


def test_service_of_another_domain_ignores_the_entity(ha, plug_sim):
    r = ha.post("/api/services/switch/turn_on", json={"entity_id": "input_boolean.bastion"})
    assert r.status_code == 200 and r.json() == []
    assert plug_sim.state("home_assistant")["on"] is False
    r = ha.post("/api/services/homeassistant/turn_on", json={"entity_id": "input_boolean.bastion"})
    assert r.json()[0]["state"] == "on"


def test_service_on_unknown_entity_succeeds_and_changes_nothing(ha, plug_sim):
    r = ha.post("/api/services/switch/turn_on", json={"entity_id": "switch.nope"})
    assert r.status_code == 200 and r.json() == []
    assert plug_sim.state("home_assistant")["on"] is False


@pytest.mark.parametrize("path", ["/api/services/switch/explode", "/api/services/light_x/turn_on"])
def test_unknown_service_is_400(ha, path):
    r = ha.post(path, json={"entity_id": "switch.bastion"})
    assert r.status_code == 400


def test_invalid_json_is_400_with_message(ha):
    r = ha.post("/api/services/switch/turn_on", data=b"{not json",
                headers=dict(ha.headers, **{"Content-Type": "application/json"}))
    assert r.status_code == 400
    assert r.json() == {"message": "Data should be valid JSON."}


def test_invalid_entity_id_is_400(ha):
    assert ha.post("/api/services/switch/turn_on", json={"entity_id": "bastion"}).status_code == 400
    assert ha.post("/api/services/switch/turn_on", json={"entity_id": 5}).status_code == 400


def test_wrong_method_is_405(ha):
    assert ha.get("/api/services/switch/turn_on").status_code == 405
    assert ha.post("/api/").status_code == 405


def test_power_sensor_follows_boot(ha, plug_sim):
    assert ha.state("sensor.bastion_power")["state"] == "0.0"
    ha.post("/api/services/switch/turn_on", json={"entity_id": "switch.bastion"})
    plug_sim.wait_state("home_assistant", bastion_open=True)
    s = ha.state("sensor.bastion_power")
    assert s["attributes"]["unit_of_measurement"] == "W"
    assert float(s["state"]) == pytest.approx(plug_sim.state("home_assistant")["power_w"])
    assert float(s["state"]) > 0


def test_states_lists_all_entities(ha):
    ids = {s["entity_id"] for s in ha.get("/api/states").json()}
    assert ids == {"switch.bastion", "input_boolean.bastion", "sensor.bastion_power"}


def test_unavailable_fault_shows_unavailable_and_services_do_nothing(ha, plug_sim):
    plug_sim.fault("home_assistant", "unavailable")
    for entity_id in ("switch.bastion", "input_boolean.bastion", "sensor.bastion_power"):
        assert ha.state(entity_id)["state"] == "unavailable"
    r = ha.post("/api/services/switch/turn_on", json={"entity_id": "switch.bastion"})
    assert r.status_code == 200 and r.json() == []
    r = ha.post("/api/services/input_boolean/turn_on", json={"entity_id": "input_boolean.bastion"})
    assert r.status_code == 200 and r.json() == []
    assert plug_sim.state("home_assistant")["on"] is False
    plug_sim.fault("home_assistant", "none")
    assert ha.state("switch.bastion")["state"] == "off"


def test_bad_auth_fault_rejects_the_right_token(ha, plug_sim):
    plug_sim.fault("home_assistant", "bad_auth")
    assert ha.get("/api/").status_code == 401
    plug_sim.fault("home_assistant", "none")
    assert ha.get("/api/").status_code == 200


def test_out_of_band_change_updates_last_changed(ha, plug_sim):
    before = ha.state("switch.bastion")
    plug_sim.power("home_assistant", True)
    after = ha.state("switch.bastion")
    assert after["state"] == "on"
    assert after["last_changed"] > before["last_changed"]
