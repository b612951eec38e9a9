"""The plug-sim command line: start-up lines, ready file, clean stop, argument errors."""
import json
import os
import signal
import socket
import subprocess
import sys

import pytest
import requests

from plugsim_fixture import KINDS, SCRIPT, PlugSim


def test_ready_file_names_every_device_with_credentials_and_bastion():
    with PlugSim(boot_delay=0.1) as sim:
        info = sim.info
        ha_port = int(sim.devices["home_assistant"]["url"].rsplit(":", 1)[1])
        assert info["control"] == f"http://127.0.0.1:{ha_port}/_sim"
        assert [d["kind"] for d in info["devices"]] == list(KINDS)
        ha, gen2, gen1, tas = (sim.devices[k] for k in KINDS)
        assert ha["entity_id"] == "switch.bastion" and len(ha["token"]) >= 32
        assert gen2["username"] == "admin" and gen2["password"]
        assert gen1["username"] and gen1["password"] and tas["username"] and tas["password"]
        ports = {int(d["url"].rsplit(":", 1)[1]) for d in info["devices"]}
        ports |= {int(d["bastion"].rsplit(":", 1)[1]) for d in info["devices"]}
        assert len(ports) == 8, "every device and bastion has a port of its own"
        assert ha["device_timer"] is False and gen2["device_timer"] and tas["device_timer"]
        # every advertised URL answers
        r = requests.get(ha["url"] + "/api/", headers={"Authorization": f"Bearer {ha['token']}"}, timeout=5)
        assert r.json() == {"message": "API running."}
        assert requests.get(gen2["url"] + "/shelly", timeout=5).json()["gen"] == 2
        assert requests.get(gen1["url"] + "/shelly", timeout=5).json()["type"] == "SHPLG-S"
        assert "WARNING" in requests.get(tas["url"] + "/cm?cmnd=Power", timeout=5).json()
    assert sim.returncode == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_one_line_per_device_then_ready_and_stops_cleanly(tmp_path, sig):
    proc = subprocess.Popen([sys.executable, SCRIPT, "--listen", "127.0.0.1:0", "--boot-delay", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.strip() == "ready":
                break
        assert lines[-1] == "ready", lines
        assert [l.split(":", 1)[0] for l in lines[:4]] == list(KINDS)
        assert "token=" in lines[0] and "entity_id=switch.bastion" in lines[0]
        for line in lines[:4]:
            assert "url=http://127.0.0.1:" in line and "bastion=127.0.0.1:" in line
        for line in lines[1:4]:
            assert "username=" in line and "password=" in line
        assert lines[4].startswith("control: http://127.0.0.1:")
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_listens_on_the_given_port_and_fixed_credentials():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with PlugSim(listen=f"127.0.0.1:{port}", token="tok-123", password="pw-456") as sim:
        assert sim.devices["home_assistant"]["url"] == f"http://127.0.0.1:{port}"
        assert sim.devices["home_assistant"]["token"] == "tok-123"
        assert {sim.devices[k]["password"] for k in KINDS[1:]} == {"pw-456"}


def test_port_in_use_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, SCRIPT, "--listen", f"127.0.0.1:{port}"],
                           capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr


@pytest.mark.parametrize("args, message", [
    (["--listen", "8123"], "--listen wants host:port"),
    (["--listen", "127.0.0.1:http"], "is not a number"),
    (["--boot-delay", "-1"], "must be >= 0"),
])
def test_bad_arguments_name_the_option(args, message):
    r = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=20)
    assert r.returncode == 2
    assert message in r.stderr


def test_ready_file_is_complete_json_when_ready_is_printed(tmp_path):
    ready = tmp_path / "ready.json"
    proc = subprocess.Popen([sys.executable, SCRIPT, "--listen", "127.0.0.1:0", "--ready-file", str(ready)],
                            stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.strip() == "ready":
                break
        data = json.loads(ready.read_text())
        assert len(data["devices"]) == 4
        assert not [p for p in os.listdir(tmp_path) if p != "ready.json"], "no temporary file left"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_no_auth_plugs_answer_without_credentials():
    with PlugSim(auth=False) as sim:
        gen2, gen1, tas = (sim.devices[k] for k in KINDS[1:])
        assert sim.devices["home_assistant"]["auth"] is True
        assert not any(d["auth"] or d["password"] for d in (gen2, gen1, tas))
        info = requests.get(gen2["url"] + "/rpc/Shelly.GetDeviceInfo", timeout=5).json()
        assert info["auth_en"] is False and info["auth_domain"] is None
        assert requests.get(gen2["url"] + "/rpc/Switch.Set?id=0&on=true", timeout=5).json() == {"was_on": False}
        assert requests.get(gen1["url"] + "/shelly", timeout=5).json()["auth"] is False
        assert requests.get(gen1["url"] + "/relay/0?turn=on", timeout=5).json()["ison"] is True
        assert requests.get(tas["url"] + "/cm?cmnd=Power%20On", timeout=5).json() == {"POWER": "ON"}
        state = sim.state()
        assert state["shelly_gen2"]["on"] and state["shelly_gen1"]["on"] and state["tasmota"]["on"]
        ha = sim.devices["home_assistant"]
        assert requests.get(ha["url"] + "/api/", timeout=5).status_code == 401


def test_no_auth_and_password_exclude_each_other():
    r = subprocess.run([sys.executable, SCRIPT, "--no-auth", "--password", "x"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 2 and "exclude each other" in r.stderr
