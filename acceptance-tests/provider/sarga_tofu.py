"""Helpers for driving real tofu against terraform-provider-sarga (used by conftest.py,
the tests and bench_rss.py)."""

import json
import os
import platform
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROVIDER_ADDRESS = "registry.opentofu.org/sarga/sarga"
MIRROR_VERSION = "0.1.0"
TOFU_TIMEOUT = 300

REQUIRED_PROVIDERS = textwrap.dedent(
    """\
    terraform {
      required_providers {
        sarga = { source = "sarga/sarga" }
      }
    }
    provider "sarga" {}
    """
)


def platform_dir():
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"linux_{arch}"


def find_tofu() -> Path:
    """$SARGA_TOFU, else the pinned build from scripts/lib/get-tofu.sh."""
    env_path = os.environ.get("SARGA_TOFU")
    if env_path:
        return Path(env_path)
    script = REPO / "scripts" / "lib" / "get-tofu.sh"
    out = subprocess.run(["bash", str(script)], check=True, capture_output=True, text=True, timeout=3600)
    return Path(out.stdout.strip().splitlines()[-1])


def find_provider() -> Path:
    """$SARGA_PROVIDER, else $SARGA_BUILD_DIR/provider/terraform-provider-sarga."""
    env_path = os.environ.get("SARGA_PROVIDER")
    if env_path:
        return Path(env_path)
    build = Path(os.environ.get("SARGA_BUILD_DIR", REPO / "build"))
    return build / "provider" / "terraform-provider-sarga"


def write_mirror(root: Path, provider: Path) -> Path:
    """A filesystem mirror holding a copy of the provider, and the CLI config selecting it."""
    package = root / "mirror" / PROVIDER_ADDRESS / MIRROR_VERSION / platform_dir()
    package.mkdir(parents=True)
    # A copy, so a rebuild during the session cannot break the recorded lock-file hash.
    shutil.copy2(provider, package / f"terraform-provider-sarga_v{MIRROR_VERSION}")
    config = root / "tofurc"
    config.write_text(textwrap.dedent(
        f"""\
        provider_installation {{
          filesystem_mirror {{
            path    = "{root / 'mirror'}"
            include = ["registry.opentofu.org/sarga/*"]
          }}
        }}
        """
    ))
    return config


def tofu_environment(cli_config: Path, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "SARGA_"))}
    env.update({
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "TF_DATA_DIR": str(data_dir),
    })
    return env

class TofuError(AssertionError):
    pass


class Workspace:
    """A directory with HCL and the tofu commands the tests run in it."""

    def __init__(self, path: Path, tofu: Path, env: dict):
        self.path = path
        self.tofu = tofu
        self.env = env

    def write(self, hcl: str, name: str = "main.tf", with_provider: bool = True):
        text = (REQUIRED_PROVIDERS + "\n" if with_provider else "") + textwrap.dedent(hcl)
        (self.path / name).write_text(text)

    def run(self, *args, expect=0, env=None, timeout=TOFU_TIMEOUT):
        """Runs tofu; `expect` is the exit code required (None: any)."""
        full_env = dict(self.env, **(env or {}))
        proc = subprocess.run([str(self.tofu), *args], cwd=self.path, env=full_env,
                              capture_output=True, text=True, timeout=timeout)
        if expect is not None and proc.returncode != expect:
            raise TofuError(
                f"tofu {' '.join(args)} exited {proc.returncode}, expected {expect}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}")
        return proc

    def init(self, **kw):
        return self.run("init", "-input=false", "-no-color", **kw)

    def apply(self, *extra, **kw):
        return self.run("apply", "-auto-approve", "-input=false", "-no-color", *extra, **kw)

    def destroy(self, **kw):
        return self.run("destroy", "-auto-approve", "-input=false", "-no-color", **kw)

    def plan(self, *extra, expect=0, **kw):
        """`plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error."""
        return self.run("plan", "-input=false", "-no-color", "-detailed-exitcode", *extra,
                        expect=expect, **kw)

    def assert_no_changes(self):
        proc = self.plan(expect=None)
        if proc.returncode != 0:
            raise TofuError(f"expected an empty plan, got exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        assert "No changes." in proc.stdout, proc.stdout

    def show(self):
        return json.loads(self.run("show", "-json", "-no-color").stdout)

    def resources(self):
        """address -> values of every resource in the state."""
        state = self.show()
        module = state.get("values", {}).get("root_module", {})
        return {r["address"]: r["values"] for r in module.get("resources", [])}

    def outputs(self):
        return {k: v["value"] for k, v in json.loads(self.run("output", "-json").stdout).items()}


def iso_volume_id(path: Path) -> str:
    """Volume identifier of the primary volume descriptor (sector 16, bytes 40..71)."""
    data = path.read_bytes()
    assert data[16 * 2048 + 1:16 * 2048 + 6] == b"CD001", "not an ISO9660 image"
    return data[16 * 2048 + 40:16 * 2048 + 72].decode("ascii").rstrip()


def iso_files(path: Path) -> dict:
    """name -> bytes of the files in an ISO, extracted with xorriso through Rock Ridge."""
    with tempfile.TemporaryDirectory() as out:
        target = Path(out) / "x"
        subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(path), "-extract", "/", str(target)],
                       capture_output=True, check=True)
        return {p.name: p.read_bytes() for p in sorted(target.iterdir()) if p.is_file()}
