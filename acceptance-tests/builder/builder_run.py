"""Runs a command for the builder tests and captures its output (a module of its own: the
name `conftest` is shared by several folders, so tests cannot import from it)."""

import os
import subprocess


def run(cmd, cwd, env=None, timeout=900):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
