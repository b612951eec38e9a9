"""sarga_bastion_power with real tofu against plug-sim, for every driver: on and off, drift
corrected both ways, the device timer firing after tofu is SIGKILLed, and clear errors for
bad credentials, unknown entities/channels and a timer Home Assistant cannot honour."""

import os
import signal
import subprocess
import time

import pytest

from bastion_hcl import KINDS, TIMER_KINDS, connection_hcl, wait_for_hcl


def power_hcl(device, state, auto_off=None, extra="", **overrides):
    lines = [connection_hcl(device, **overrides), f'  state = "{state}"']
    if auto_off:
        lines.append(f'  auto_off_after = "{auto_off}"')
    if device["kind"] == "home_assistant":
        lines.append(f'  power_entity_id = "{device["power_entity_id"]}"')
    lines.append(wait_for_hcl(device))
    if extra:
        lines.append(extra)
    return 'resource "sarga_bastion_power" "b" {\n' + "\n".join(lines) + "\n}\n" + \
        'output "power" { value = sarga_bastion_power.b.state }\n'


def timer_for(kind):
    return None if kind == "home_assistant" else "10m"


@pytest.mark.parametrize("kind", KINDS)
def test_bastion_power_on_off_and_drift(workspace, plug_sim, kind):
    dev = plug_sim.devices[kind]
    workspace.write(power_hcl(dev, "on", timer_for(kind)))
    workspace.init()
    workspace.apply()
    st = plug_sim.state(kind)
    assert st["on"] is True
    assert st["bastion_open"] is True, "apply waits until the bastion's port answers"
    if kind != "home_assistant":
        assert st["timer_deadline"] is not None, "the device timer is armed"
    values = workspace.resources()["sarga_bastion_power.b"]
    assert values["state"] == "on"
    assert values["power_w"] is not None and values["power_w"] > 0
    assert values["last_changed"]
    assert values["id"].startswith(kind + ":")
    workspace.assert_no_changes()

    # Switched off behind tofu's back: the plan switches it on again.
    plug_sim.power(kind, False)
    assert workspace.plan(expect=2).returncode == 2
    workspace.apply()
    assert plug_sim.state(kind)["on"] is True

    # Declared off: apply switches it off and the bastion goes dark.
    workspace.write(power_hcl(dev, "off"))
    workspace.apply()
    st = plug_sim.state(kind)
    assert st["on"] is False and st["bastion_open"] is False
    workspace.assert_no_changes()

    # A bastion left on shows as drift and the next apply switches it off.
    plug_sim.power(kind, True)
    drift = workspace.plan(expect=2)
    assert '"on" -> "off"' in drift.stdout, drift.stdout
    workspace.apply()
    assert plug_sim.state(kind)["on"] is False

    # Destroy leaves it off, even when it was on.
    plug_sim.power(kind, True)
    workspace.destroy()
    assert plug_sim.state(kind)["on"] is False


def test_bastion_power_settings_from_provider_environment(workspace, plug_sim):
    dev = plug_sim.devices["tasmota"]
    env = {"SARGA_PLUG_DRIVER": "tasmota", "SARGA_PLUG_ADDRESS": dev["url"],
           "SARGA_PLUG_PASSWORD": dev["password"]}
    workspace.write('resource "sarga_bastion_power" "b" {\n  state = "on"\n  auto_off_after = "15m"\n}\n')
    workspace.init()
    workspace.apply(env=env)
    st = plug_sim.state("tasmota")
    assert st["on"] is True
    assert 800 < st["timer_remaining"] <= 900
    state_file = (workspace.path / "terraform.tfstate").read_text()
    assert dev["password"] not in state_file, "provider-level secrets never reach the state"
    workspace.destroy(env=env)
    assert plug_sim.state("tasmota")["on"] is False


@pytest.mark.parametrize("kind", TIMER_KINDS)
def test_bastion_power_device_timer_fires_after_tofu_is_killed(workspace, plug_sim, kind):
    dev = plug_sim.devices[kind]
    # The bastion never finishes booting, so apply is still waiting when it is killed.
    plug_sim.settings(boot_delay=600, device=kind)
    hcl = power_hcl(dev, "on", "4s").replace('timeout = "60s"', 'timeout = "10m"')
    workspace.write(hcl)
    workspace.init()
    proc = subprocess.Popen([str(workspace.tofu), "apply", "-auto-approve", "-input=false", "-no-color"],
                            cwd=workspace.path, env=workspace.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        plug_sim.wait_state(kind, timeout=60, on=True)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # tofu and the provider it started
        proc.wait(timeout=30)
    assert plug_sim.state(kind)["on"] is True, "still on right after the kill"
    st = plug_sim.wait_state(kind, timeout=20, on=False)
    assert st["source"] == "timer", st


@pytest.mark.parametrize("kind,attribute,override", [
    ("home_assistant", "token", {"token": "not-the-token"}),
    ("shelly_gen2", "password", {"password": "not-the-password"}),
    ("shelly_gen1", "password", {"password": "not-the-password"}),
    ("tasmota", "password", {"password": "not-the-password"}),
])
def test_bastion_power_bad_credentials_name_the_attribute(workspace, plug_sim, kind, attribute, override):
    dev = plug_sim.devices[kind]
    # The wrong secret comes from a sensitive variable, so tofu's source snippet shows only
    # var.plug_secret: any trace of the value in the output would be sarga's doing.
    hcl = power_hcl(dev, "on", timer_for(kind), **override)
    hcl = hcl.replace(f'"{override[attribute]}"', "var.plug_secret")
    workspace.write(hcl + 'variable "plug_secret" {\n  type      = string\n  sensitive = true\n}\n')
    workspace.init()
    proc = workspace.apply(expect=1, env={"TF_VAR_plug_secret": override[attribute]})
    assert "Plug rejected the credentials" in proc.stderr, proc.stderr
    assert f"{attribute} = var.plug_secret" in proc.stderr, proc.stderr
    assert "not-the-" not in proc.stderr + proc.stdout, "secrets never printed"
    assert plug_sim.state(kind)["on"] is False


@pytest.mark.parametrize("kind", TIMER_KINDS)
def test_bastion_power_device_refusing_right_credentials(workspace, plug_sim, kind):
    dev = plug_sim.devices[kind]
    plug_sim.fault(kind, "bad_auth")
    workspace.write(power_hcl(dev, "off"))
    workspace.init()
    proc = workspace.apply(expect=1)
    assert "Plug rejected the credentials" in proc.stderr, proc.stderr


@pytest.mark.parametrize("kind,override,attribute", [
    ("home_assistant", {"entity_id": "switch.not_there"}, "entity_id"),
    ("shelly_gen2", {"channel": "3"}, "channel"),
    ("shelly_gen1", {"channel": "1"}, "channel"),
])
def test_bastion_power_unknown_entity_or_channel(workspace, plug_sim, kind, override, attribute):
    dev = plug_sim.devices[kind]
    hcl = power_hcl(dev, "on", timer_for(kind), **override).replace('channel = "3"', "channel = 3") \
        .replace('channel = "1"', "channel = 1")
    workspace.write(hcl)
    workspace.init()
    proc = workspace.apply(expect=1)
    assert "Plug entity or channel not found" in proc.stderr, proc.stderr
    assert f"{attribute} =" in proc.stderr, proc.stderr
    if kind == "home_assistant":
        assert "switch.not_there" in proc.stderr


def test_bastion_power_home_assistant_timer_needs_opt_out(workspace, plug_sim):
    dev = plug_sim.devices["home_assistant"]
    workspace.write(power_hcl(dev, "on", "10m"))
    workspace.init()
    proc = workspace.plan(expect=1)
    assert "The plug has no auto-off timer" in proc.stderr, proc.stderr
    assert "auto_off_after" in proc.stderr and "allow_missing_timer" in proc.stderr
    assert plug_sim.state("home_assistant")["on"] is False

    workspace.write(power_hcl(dev, "on", "10m", extra="  allow_missing_timer = true"))
    workspace.apply()
    assert plug_sim.state("home_assistant")["on"] is True
    assert plug_sim.state("home_assistant")["timer_deadline"] is None
    workspace.destroy()


def test_bastion_power_unavailable_plug_is_not_taken_for_off(workspace, plug_sim):
    dev = plug_sim.devices["home_assistant"]
    workspace.write(power_hcl(dev, "on"))
    workspace.init()
    workspace.apply()
    plug_sim.fault("home_assistant", "unavailable")
    proc = workspace.plan(expect=None)
    assert "Plug not ready" in proc.stdout + proc.stderr
    assert '"on" -> "off"' not in proc.stdout
    plug_sim.clear_faults()
    workspace.destroy()
    assert plug_sim.state("home_assistant")["on"] is False


def test_bastion_power_slow_plug_still_switches(workspace, plug_sim):
    dev = plug_sim.devices["shelly_gen2"]
    plug_sim.fault("shelly_gen2", "slow", delay_ms=800)
    workspace.write(power_hcl(dev, "on", "10m"))
    workspace.init()
    workspace.apply()
    assert plug_sim.state("shelly_gen2")["on"] is True
    plug_sim.clear_faults()
    workspace.destroy()
    assert plug_sim.state("shelly_gen2")["on"] is False


@pytest.mark.parametrize("kind", TIMER_KINDS)
def test_bastion_power_plug_off_the_network(workspace, plug_sim, kind):
    dev = plug_sim.devices[kind]
    plug_sim.fault(kind, "unavailable")
    workspace.write(power_hcl(dev, "on", "10m"))
    workspace.init()
    proc = workspace.apply(expect=1)
    assert "Cannot reach the plug" in proc.stderr, proc.stderr
    assert dev["url"] in proc.stderr.replace("\n", " ") or "127.0.0.1" in proc.stderr


def test_bastion_power_import_reads_the_real_state(workspace, plug_sim):
    dev = plug_sim.devices["shelly_gen2"]
    plug_sim.power("shelly_gen2", True)  # an existing bastion plug, currently on
    env = {"SARGA_PLUG_PASSWORD": dev["password"]}
    workspace.write(
        'import {\n'
        '  to = sarga_bastion_power.b\n'
        f'  id = "shelly_gen2:{dev["url"]}#0"\n'
        '}\n'
        'resource "sarga_bastion_power" "b" {\n'
        '  driver  = "shelly_gen2"\n'
        f'  address = "{dev["url"]}"\n'
        '}\n')
    workspace.init()
    plan = workspace.plan(expect=2, env=env)
    assert "will be imported" in plan.stdout or "1 to import" in plan.stdout, plan.stdout
    assert '"on" -> "off"' in plan.stdout, plan.stdout
    assert "must be replaced" not in plan.stdout
    workspace.apply(env=env)
    assert plug_sim.state("shelly_gen2")["on"] is False
    assert workspace.plan(expect=0, env=env).returncode == 0


def test_bastion_power_debug_log_never_shows_secrets(workspace, plug_sim):
    dev = plug_sim.devices["tasmota"]  # the password travels in Tasmota's URLs
    env = {"SARGA_PLUG_PASSWORD": dev["password"], "TF_LOG_PROVIDER": "debug"}
    workspace.write('resource "sarga_bastion_power" "b" {\n'
                    f'  driver = "tasmota"\n  address = "{dev["url"]}"\n  state = "on"\n'
                    '  auto_off_after = "5m"\n}\n')
    workspace.init()
    proc = workspace.apply(env=env)
    assert "plug request" in proc.stderr, "requests are logged at debug level"
    assert "password=[REDACTED]" in proc.stderr
    assert dev["password"] not in proc.stderr + proc.stdout
    workspace.destroy(env=env)


def test_bastion_power_home_assistant_input_boolean(workspace, plug_sim):
    dev = plug_sim.devices["home_assistant"]
    workspace.write(power_hcl(dev, "on", entity_id="input_boolean.bastion"))
    workspace.init()
    workspace.apply()
    assert plug_sim.state("home_assistant")["on"] is True
    workspace.destroy()
    assert plug_sim.state("home_assistant")["on"] is False
