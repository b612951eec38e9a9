"""The ephemeral sarga_bastion_session with real tofu against plug-sim: the bastion is on
while a run uses it (a provisioner reads the bastion's SSH banner through the session's
host/port), renewed while the run lasts, switched off when it ends, and switched off by the
device timer when tofu is killed."""

import os
import signal
import subprocess
import time

import pytest

from bastion_hcl import KINDS, TIMER_KINDS, connection_hcl, wait_for_hcl


def session_hcl(device, auto_off="10m", job_command=None, **overrides):
    lines = [connection_hcl(device, **overrides), wait_for_hcl(device)]
    if device["kind"] == "home_assistant":
        lines.append("  allow_missing_timer = true")
    else:
        lines.append(f'  auto_off_after = "{auto_off}"')
    read_banner = ("exec 3<>/dev/tcp/${ephemeral.sarga_bastion_session.s.host}/"
                   "${ephemeral.sarga_bastion_session.s.port} && head -c 7 <&3 > banner.txt")
    command = job_command or read_banner
    return (
        'ephemeral "sarga_bastion_session" "s" {\n' + "\n".join(lines) + "\n}\n\n"
        'resource "terraform_data" "job" {\n'
        '  provisioner "local-exec" {\n'
        '    interpreter = ["/bin/bash", "-c"]\n'
        f'    command     = "{command}"\n'
        "  }\n"
        "}\n"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_bastion_session_opens_and_closes_around_a_run(workspace, plug_sim, kind):
    dev = plug_sim.devices[kind]
    workspace.write(session_hcl(dev))
    workspace.init()
    workspace.apply()
    assert (workspace.path / "banner.txt").read_text() == "SSH-2.0", "the job reached the bastion"
    st = plug_sim.state(kind)
    assert st["on"] is False, "closing the session switched the plug off"
    assert st["bastion_open"] is False
    assert st["switch_count"] >= 2
    stored = workspace.show()["values"]["root_module"]["resources"]
    assert [r["address"] for r in stored] == ["terraform_data.job"], "ephemeral: nothing stored"


def test_bastion_session_is_renewed_while_the_run_lasts(workspace, plug_sim):
    # A 6 s timer would switch the bastion off in the middle of a 9 s job unless renewed.
    dev = plug_sim.devices["shelly_gen2"]
    job = ("sleep 9 && exec 3<>/dev/tcp/${ephemeral.sarga_bastion_session.s.host}/"
           "${ephemeral.sarga_bastion_session.s.port} && head -c 7 <&3 > banner.txt")
    workspace.write(session_hcl(dev, auto_off="6s", job_command=job))
    workspace.init()
    workspace.apply()
    assert (workspace.path / "banner.txt").read_text() == "SSH-2.0"
    assert plug_sim.state("shelly_gen2")["on"] is False


@pytest.mark.parametrize("kind", TIMER_KINDS)
def test_bastion_session_timer_switches_off_after_tofu_is_killed(workspace, plug_sim, kind):
    dev = plug_sim.devices[kind]
    # The job must use the session (an unreferenced ephemeral resource is not opened).
    job = "echo ${ephemeral.sarga_bastion_session.s.port} > started && sleep 300"
    workspace.write(session_hcl(dev, auto_off="5s", job_command=job))
    workspace.init()
    proc = subprocess.Popen([str(workspace.tofu), "apply", "-auto-approve", "-input=false", "-no-color"],
                            cwd=workspace.path, env=workspace.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # The job runs inside the apply's session (plan opened and closed one before).
        deadline = time.monotonic() + 90
        while not (workspace.path / "started").exists():
            assert proc.poll() is None, "tofu ended before the job started"
            assert time.monotonic() < deadline, "the job did not start"
            time.sleep(0.1)
        st = plug_sim.state(kind)
        assert st["on"] is True and st["timer_deadline"] is not None, st
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # tofu, the provider and the job
        proc.wait(timeout=30)
    st = plug_sim.wait_state(kind, timeout=20, on=False)
    assert st["source"] == "timer", st


def test_bastion_session_bad_credentials(workspace, plug_sim):
    dev = plug_sim.devices["shelly_gen2"]
    hcl = session_hcl(dev, password="not-the-password").replace('"not-the-password"', "var.plug_secret")
    workspace.write(hcl + 'variable "plug_secret" {\n  type      = string\n  sensitive = true\n}\n')
    workspace.init()
    proc = workspace.apply(expect=1, env={"TF_VAR_plug_secret": "not-the-password"})
    assert "Plug rejected the credentials" in proc.stderr, proc.stderr
    assert "not-the-password" not in proc.stderr + proc.stdout
    assert plug_sim.state("shelly_gen2")["on"] is False


def test_bastion_session_home_assistant_without_opt_out(workspace, plug_sim):
    dev = plug_sim.devices["home_assistant"]
    hcl = session_hcl(dev).replace("  allow_missing_timer = true\n", "")
    workspace.write(hcl)
    workspace.init()
    proc = workspace.apply(expect=1)
    assert "The plug has no auto-off timer" in proc.stderr, proc.stderr
    assert plug_sim.state("home_assistant")["on"] is False
