"""The Proxmox examples are what users copy: canonically formatted and self-describing."""
import subprocess

import pytest

from sarga_tofu import REPO

EXAMPLES = ["homelab", "provision-then-pull", "runner"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_is_tofu_fmt_clean(name, tofu_bin, tmp_path):
    proc = subprocess.run([str(tofu_bin), "fmt", "-check", "-diff", str(REPO / "examples" / name)],
                          capture_output=True, text=True, env={"TF_CLI_CONFIG_FILE": "/dev/null", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_has_a_readme_endpoint_variables_and_sensitive_tokens(name):
    folder = REPO / "examples" / name
    readme = (folder / "README.md").read_text()
    assert readme.startswith(f"# {name}\n"), readme[:80]
    assert f"test_example_{name.replace('-', '_')}.py" in readme
    variables = (folder / "variables.tf").read_text()
    blocks = variables.split('variable "')[1:]
    endpoints = [b for b in blocks if "endpoint" in b.split('"')[0]]
    assert endpoints, f"{name}: no endpoint variable"
    for block in blocks:
        var = block.split('"')[0]
        if "token" in var:
            assert "sensitive   = true" in block, f"{name}: variable {var} must be sensitive"
