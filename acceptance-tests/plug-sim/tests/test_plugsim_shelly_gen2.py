"""Shelly Gen2 RPC: channels, SHA-256 digest auth, Switch methods, toggle_after timer."""
import hashlib
import json
import re
import subprocess
import time

import pytest
import requests
from requests.auth import HTTPDigestAuth


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def gen2(plug_sim):
    return plug_sim.devices["shelly_gen2"]


@pytest.fixture
def auth(gen2):
    return HTTPDigestAuth("admin", gen2["password"])


def rpc_get(gen2, method, auth=None, **params):
    query = "&".join(f"{k}={json.dumps(v) if not isinstance(v, str) else v}" for k, v in params.items())
    return requests.get(f"{gen2['url']}/rpc/{method}" + (f"?{query}" if query else ""), auth=auth, timeout=5)


def test_device_info_is_open_and_says_auth_enabled(gen2):
    for r in (rpc_get(gen2, "Shelly.GetDeviceInfo"), requests.get(gen2["url"] + "/shelly", timeout=5)):
        assert r.status_code == 200
        info = r.json()
        assert info["gen"] == 2 and info["auth_en"] is True
        assert info["id"] == gen2["device_id"] == info["auth_domain"]
        assert info["id"].startswith("shellyplusplugs-")


def test_protected_method_without_credentials_gets_the_digest_challenge(gen2):
    r = rpc_get(gen2, "Switch.GetStatus", id=0)
    assert r.status_code == 401
    challenge = r.headers["WWW-Authenticate"]
    assert challenge.startswith("Digest ")
    assert f'realm="{gen2["device_id"]}"' in challenge
    assert 'qop="auth"' in challenge and "algorithm=SHA-256" in challenge
    body = r.json()
    assert body["code"] == 401
    detail = json.loads(body["message"])
    assert detail["auth_type"] == "digest" and detail["algorithm"] == "SHA-256"
    assert detail["realm"] == gen2["device_id"]
    assert f'nonce="{detail["nonce"]}"' in challenge


def test_full_frame_without_auth_gets_a_401_frame(gen2):
    r = requests.post(gen2["url"] + "/rpc", json={"id": 7, "src": "tf", "method": "Switch.Set",
                                                  "params": {"id": 0, "on": True}}, timeout=5)
    assert r.status_code == 401
    frame = r.json()
    assert frame["id"] == 7 and frame["src"] == gen2["device_id"] and frame["dst"] == "tf"
    assert frame["error"]["code"] == 401
    assert json.loads(frame["error"]["message"])["auth_type"] == "digest"


def test_digest_with_requests(gen2, auth, plug_sim):
    r = rpc_get(gen2, "Switch.Set", auth=auth, id=0, on=True)
    assert r.status_code == 200, r.text
    assert r.json() == {"was_on": False}
    assert plug_sim.state("shelly_gen2")["on"] is True
    st = rpc_get(gen2, "Switch.GetStatus", auth=auth, id=0).json()
    assert st["output"] is True and st["id"] == 0 and st["source"] == "http"
    assert "timer_started_at" not in st


def test_digest_with_curl_cli(gen2, plug_sim):
    # libcurl's CURLAUTH_DIGEST is what the provider uses: the challenge must suit it
    r = subprocess.run(["curl", "-sS", "--digest", "-u", f"admin:{gen2['password']}",
                        f"{gen2['url']}/rpc/Switch.Set?id=0&on=true"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"was_on": False}
    assert plug_sim.state("shelly_gen2")["on"] is True


def test_wrong_password_is_401(gen2, plug_sim):
    r = rpc_get(gen2, "Switch.Set", auth=HTTPDigestAuth("admin", "wrong"), id=0, on=True)
    assert r.status_code == 401
    assert plug_sim.state("shelly_gen2")["on"] is False


def test_wrong_user_is_401(gen2):
    r = rpc_get(gen2, "Switch.GetStatus", auth=HTTPDigestAuth("root", gen2["password"]), id=0)
    assert r.status_code == 401


def _authorization(gen2, nonce, nc, uri, cnonce="abcdef", method="GET"):
    ha1 = sha(f"admin:{gen2['device_id']}:{gen2['password']}")
    ha2 = sha(f"{method}:{uri}")
    ncs = f"{nc:08x}"
    response = sha(f"{ha1}:{nonce}:{ncs}:{cnonce}:auth:{ha2}")
    return (f'Digest username="admin", realm="{gen2["device_id"]}", nonce="{nonce}", uri="{uri}", '
            f'algorithm=SHA-256, response="{response}", qop=auth, nc={ncs}, cnonce="{cnonce}"')


def test_nonce_reuse_needs_an_increasing_nc(gen2):
    uri = "/rpc/Switch.GetStatus?id=0"
    challenge = requests.get(gen2["url"] + uri, timeout=5).headers["WWW-Authenticate"]
    nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
    get = lambda nc: requests.get(gen2["url"] + uri, timeout=5,
                                  headers={"Authorization": _authorization(gen2, nonce, nc, uri)})
    assert get(1).status_code == 200
    assert get(2).status_code == 200
    assert get(2).status_code == 401, "a replayed nc is refused"
    assert get(5).status_code == 200
    other = "/rpc/Switch.GetStatus?id=1"
    r = requests.get(gen2["url"] + uri, timeout=5,
                     headers={"Authorization": _authorization(gen2, nonce, 6, other)})
    assert r.status_code == 401, "uri must match the request"


def test_unknown_nonce_is_refused(gen2):
    uri = "/rpc/Switch.GetStatus?id=0"
    r = requests.get(gen2["url"] + uri, timeout=5,
                     headers={"Authorization": _authorization(gen2, "12345", 1, uri)})
    assert r.status_code == 401


def test_auth_object_in_a_frame(gen2, plug_sim):
    ha1 = sha(f"admin:{gen2['device_id']}:{gen2['password']}")
    nonce, cnonce = 1700000000, 424242
    response = sha(f"{ha1}:{nonce}:1:{cnonce}:auth:{sha('dummy_method:dummy_uri')}")
    frame = {"id": 1, "src": "tf", "method": "Switch.Set", "params": {"id": 0, "on": True},
             "auth": {"realm": gen2["device_id"], "username": "admin", "nonce": nonce,
                      "cnonce": cnonce, "response": response, "algorithm": "SHA-256"}}
    r = requests.post(gen2["url"] + "/rpc", json=frame, timeout=5)
    assert r.status_code == 200, r.text
    assert r.json()["result"] == {"was_on": False}
    frame["auth"]["response"] = "0" * 64
    assert requests.post(gen2["url"] + "/rpc", json=frame, timeout=5).status_code == 401


def test_post_channels(gen2, auth):
    r = requests.post(gen2["url"] + "/rpc/Switch.Set", json={"id": 0, "on": True}, auth=auth, timeout=5)
    assert r.json() == {"was_on": False}
    r = requests.post(gen2["url"] + "/rpc", json={"id": 3, "method": "Switch.Toggle", "params": {"id": 0}},
                      auth=auth, timeout=5)
    assert r.json() == {"id": 3, "src": gen2["device_id"], "result": {"was_on": True}}


def test_toggle_after_fires_and_status_shows_the_timer(gen2, auth, plug_sim):
    r = rpc_get(gen2, "Switch.Set", auth=auth, id=0, on=True, toggle_after=1.0)
    assert r.json() == {"was_on": False}
    st = rpc_get(gen2, "Switch.GetStatus", auth=auth, id=0).json()
    assert st["output"] is True
    assert st["timer_duration"] == pytest.approx(1.0)
    assert st["timer_started_at"] == pytest.approx(time.time(), abs=2)
    plug_sim.wait_state("shelly_gen2", timeout=5, on=False)
    st = rpc_get(gen2, "Switch.GetStatus", auth=auth, id=0).json()
    assert st["output"] is False and st["source"] == "timer"
    assert "timer_duration" not in st


def test_a_new_set_replaces_the_timer(gen2, auth, plug_sim):
    rpc_get(gen2, "Switch.Set", auth=auth, id=0, on=True, toggle_after=0.4)
    rpc_get(gen2, "Switch.Set", auth=auth, id=0, on=True)
    time.sleep(0.7)
    assert plug_sim.state("shelly_gen2")["on"] is True


def test_apower_while_on(gen2, auth, plug_sim):
    rpc_get(gen2, "Switch.Set", auth=auth, id=0, on=True)
    plug_sim.wait_state("shelly_gen2", bastion_open=True)
    st = rpc_get(gen2, "Switch.GetStatus", auth=auth, id=0).json()
    assert st["apower"] == pytest.approx(plug_sim.state("shelly_gen2")["power_w"]) and st["apower"] > 0
    rpc_get(gen2, "Switch.Set", auth=auth, id=0, on=False)
    assert rpc_get(gen2, "Switch.GetStatus", auth=auth, id=0).json()["apower"] == 0


@pytest.mark.parametrize("params, code, status", [
    ({"on": True}, -103, 500),
    ({"id": 1, "on": True}, -105, 500),
    ({"id": 0}, -103, 500),
    ({"id": 0, "on": "yes"}, -103, 500),
    ({"id": 0, "on": True, "toggle_after": -5}, -103, 500),
])
def test_switch_set_argument_errors(gen2, auth, plug_sim, params, code, status):
    r = requests.post(gen2["url"] + "/rpc/Switch.Set", json=params, auth=auth, timeout=5)
    assert r.status_code == status
    assert r.json()["code"] == code and r.json()["message"]
    assert plug_sim.state("shelly_gen2")["on"] is False


def test_unknown_method(gen2, auth):
    r = rpc_get(gen2, "Switch.Explode", auth=auth, id=0)
    assert r.status_code == 404
    assert r.json() == {"code": 404, "message": "No handler for Switch.Explode"}
    r = requests.post(gen2["url"] + "/rpc", json={"id": 1, "method": "Nope.Nope"}, auth=auth, timeout=5)
    assert r.status_code == 200 and r.json()["error"]["code"] == 404


def test_auto_off_config_arms_a_timer_on_every_power_on(gen2, auth, plug_sim):
    r = requests.post(gen2["url"] + "/rpc/Switch.SetConfig", auth=auth, timeout=5,
                      json={"id": 0, "config": {"auto_off": True, "auto_off_delay": 0.5}})
    assert r.json() == {"restart_required": False}
    cfg = rpc_get(gen2, "Switch.GetConfig", auth=auth, id=0).json()
    assert cfg["auto_off"] is True and cfg["auto_off_delay"] == 0.5
    plug_sim.power("shelly_gen2", False)
    rpc_get(gen2, "Switch.Set", auth=auth, id=0, on=True)
    plug_sim.wait_state("shelly_gen2", timeout=5, on=False, source="timer")
    plug_sim.reset()
    assert rpc_get(gen2, "Switch.GetConfig", auth=auth, id=0).json()["auto_off"] is False


def test_bad_auth_fault_refuses_the_right_password(gen2, auth, plug_sim):
    plug_sim.fault("shelly_gen2", "bad_auth")
    assert rpc_get(gen2, "Switch.GetStatus", auth=auth, id=0).status_code == 401
    assert rpc_get(gen2, "Shelly.GetDeviceInfo").status_code == 200, "device info stays open"
    plug_sim.fault("shelly_gen2", "none")
    assert rpc_get(gen2, "Switch.GetStatus", auth=auth, id=0).status_code == 200


def test_unavailable_fault_drops_connections(gen2, plug_sim):
    plug_sim.fault("shelly_gen2", "unavailable")
    with pytest.raises(requests.ConnectionError):
        requests.get(gen2["url"] + "/shelly", timeout=5)
    assert plug_sim.requests("shelly_gen2")[-1]["status"] == 0
    plug_sim.fault("shelly_gen2", "none")
    assert requests.get(gen2["url"] + "/shelly", timeout=5).status_code == 200


def test_digest_with_curl_cli_post_frame(gen2, plug_sim):
    frame = json.dumps({"id": 9, "method": "Switch.Set", "params": {"id": 0, "on": True, "toggle_after": 60}})
    r = subprocess.run(["curl", "-sS", "--digest", "-u", f"admin:{gen2['password']}",
                        "-H", "Content-Type: application/json", "--data", frame, f"{gen2['url']}/rpc"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["result"] == {"was_on": False}
    assert plug_sim.state("shelly_gen2")["timer_remaining"] == pytest.approx(60, abs=2)
