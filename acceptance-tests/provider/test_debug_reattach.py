"""A provider started by hand with -debug serves real plans through TF_REATTACH_PROVIDERS."""

import json
import queue
import signal
import subprocess
import threading
import time


def start_debug_provider(provider_bin, cwd):
    proc = subprocess.Popen([str(provider_bin), "-debug"], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    # A thread reads stdout: the server keeps running, so reads would block the test.
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen = []
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if line.startswith("TF_REATTACH_PROVIDERS='"):
            return proc, line.strip()[len("TF_REATTACH_PROVIDERS='"):-1]
    proc.kill()
    raise AssertionError("no TF_REATTACH_PROVIDERS line from -debug; stdout was:\n" + "".join(seen))


def test_debug_mode_drives_plan_and_apply(workspace, provider_bin, tmp_path):
    workspace.write("""
    resource "sarga_cloudinit_seed" "dbg" {
      hostname    = "dbg"
      user_data   = "#cloud-config\\n{}\\n"
      output_path = "${abspath(path.module)}/dbg.iso"
    }
    """)
    proc, reattach = start_debug_provider(provider_bin, workspace.path)
    try:
        config = json.loads(reattach)
        entry = config["registry.opentofu.org/sarga/sarga"]
        assert entry["ProtocolVersion"] == 6 and entry["Test"] is True and entry["Pid"] == proc.pid
        # No mirror at all: only the reattached provider can answer.
        empty_cli = tmp_path / "empty.tfrc"
        empty_cli.write_text("")
        env = {"TF_REATTACH_PROVIDERS": reattach, "TF_CLI_CONFIG_FILE": str(empty_cli)}
        workspace.init(env=env)
        plan = workspace.plan(expect=2, env=env).stdout
        assert "sarga_cloudinit_seed.dbg will be created" in plan, plan
        workspace.apply(env=env)
        assert (workspace.path / "dbg.iso").exists()
        # The same server keeps serving (Test: true means tofu never shuts it down).
        assert proc.poll() is None
        assert workspace.plan(expect=0, env=env).returncode == 0
        workspace.destroy(env=env)
        assert not (workspace.path / "dbg.iso").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
