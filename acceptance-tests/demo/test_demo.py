"""The README's main command, run exactly as a user runs it."""
import os
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_demo_builds_publishes_and_applies_the_homelab(tmp_path):
    env = dict(os.environ, SARGA_DEMO_DIR=str(tmp_path / "demo"))
    run = subprocess.run(["bash", str(ROOT / "scripts" / "demo.sh")], env=env, cwd=ROOT,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=1800)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-4000:]
    volume = "local:vztmpl/debian-12-hardened_1.0_amd64.tar.zst"
    assert f"on pve1/local: {volume}" in out
    assert "Apply complete! Resources: 6 added, 0 changed, 0 destroyed." in out, out[-4000:]
    # The homelab's container comes from the template the builder just published.
    assert re.search(r'"template" = "' + re.escape(volume) + '"', out), out[-4000:]  # the output
    # What pve-sim runs afterwards: the three servers on three nodes, the GPU worker, the
    # container, the golden template.
    for line in (r"pve1/\d+\s+qemu running\s+dns-1", r"pve2/\d+\s+qemu running\s+dns-2",
                 r"pve3/\d+\s+qemu running\s+jellyfin", r"pve3/\d+\s+qemu running\s+gpu-worker",
                 r"pve1/\d+\s+lxc\s+running\s+pihole", r"pve1/\d+\s+qemu stopped\s+debian-12-golden \(template\)"):
        assert re.search(line, out), f"missing {line!r} in\n{out[-4000:]}"
    assert "No changes. Your infrastructure matches the configuration." in out
    assert "Destroy complete! Resources: 6 destroyed." in out
    image = tmp_path / "demo" / "image"
    assert (image / "manifest.json").is_file() and (image / "sbom.spdx.json").is_file()
