"""The README's main command, run exactly as a user runs it."""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_demo_builds_publishes_and_applies(tmp_path):
    env = dict(os.environ, SARGA_DEMO_DIR=str(tmp_path / "demo"))
    run = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh")], env=env, cwd=ROOT,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=1800)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-4000:]
    assert "on pve1/local: local:vztmpl/debian-12-hardened_1.0_amd64.tar.zst" in out
    assert "Apply complete! Resources: 1 added" in out
    assert "No changes. Your infrastructure matches the configuration." in out
    assert "Destroy complete! Resources: 1 destroyed." in out
    image = tmp_path / "demo" / "image"
    assert (image / "manifest.json").is_file() and (image / "sbom.spdx.json").is_file()
