"""examples/dark-bastion applied against plug-sim: the pipeline job reaches the bastion
through a session and leaves it dark; the manual switch powers it for a window and any
later apply switches off a bastion that was left on."""

import shutil

import pytest

from sarga_tofu import REPO


def copy_example(make_workspace, name, part):
    ws = make_workspace(f"{name}-{part}")
    shutil.copytree(REPO / "examples" / name / part, ws.path, dirs_exist_ok=True)
    return ws


def plug_vars(dev):
    return ["-var", f"plug_driver={dev['kind']}", "-var", f"plug_address={dev['url']}",
            "-var", f"bastion_address={dev['bastion']}"]


def plug_env(dev):
    return {"TF_VAR_plug_password": dev["password"]}


@pytest.mark.parametrize("kind", ["shelly_gen2", "tasmota"])
def test_bastion_example_pipeline(make_workspace, plug_sim, kind):
    dev = plug_sim.devices[kind]
    ws = copy_example(make_workspace, "dark-bastion", "pipeline")
    ws.init()
    ws.apply(*plug_vars(dev), "-var", "run_id=1", env=plug_env(dev))
    assert (ws.path / "bastion-banner.txt").read_text().startswith("SSH-2.0-")
    assert plug_sim.state(kind)["on"] is False
    (ws.path / "bastion-banner.txt").unlink()
    ws.apply(*plug_vars(dev), "-var", "run_id=2", env=plug_env(dev))  # the next pipeline run
    assert (ws.path / "bastion-banner.txt").exists()
    assert plug_sim.state(kind)["on"] is False


def test_bastion_example_manual(make_workspace, plug_sim):
    dev = plug_sim.devices["shelly_gen1"]
    ws = copy_example(make_workspace, "dark-bastion", "manual")
    ws.init()
    args = plug_vars(dev)
    ws.apply(*args, "-var", "state=on", env=plug_env(dev))
    st = plug_sim.state("shelly_gen1")
    assert st["on"] is True and st["bastion_open"] is True
    assert 7000 < st["timer_remaining"] <= 7200, "a 2h window on the plug's own timer"
    assert ws.outputs()["bastion_power"]["state"] == "on"
    ws.apply(*args, env=plug_env(dev))  # back to the default: off
    assert plug_sim.state("shelly_gen1")["on"] is False
    plug_sim.power("shelly_gen1", True)  # someone left it on
    ws.apply(*args, env=plug_env(dev))
    assert plug_sim.state("shelly_gen1")["on"] is False
    ws.run(
        "destroy", "-auto-approve", "-input=false", "-no-color", *args, env=plug_env(dev))
    assert plug_sim.state("shelly_gen1")["on"] is False


@pytest.mark.parametrize("name", ["bastion_power", "bastion_session"])
def test_bastion_doc_example_is_valid(make_workspace, name):
    ws = make_workspace(name)
    shutil.copytree(REPO / "examples" / name, ws.path, dirs_exist_ok=True)
    ws.init()
    out = ws.run("validate", "-no-color")
    assert "The configuration is valid" in out.stdout, out.stdout
