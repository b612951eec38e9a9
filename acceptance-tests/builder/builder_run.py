"""Finds sarga-build and runs commands for the builder tests (a module of its own: the name
`conftest` is shared by several folders, so tests cannot import from it)."""

import hashlib
import os
import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "images"


def build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SARGA_BUILD_DIR", REPO / "build"))


def find_sarga_build() -> pathlib.Path:
    """$SARGA_BUILD, else $SARGA_BUILD_DIR/builder/sarga-build (SARGA_BUILD_DIR defaults to <repo>/build)."""
    return pathlib.Path(os.environ.get("SARGA_BUILD", build_dir() / "builder" / "sarga-build"))


def run(cmd, cwd, env=None, timeout=900):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def sha256(path) -> str:
    """Streams the file: disk images are hundreds of MB."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
