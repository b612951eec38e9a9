"""Real-tofu acceptance harness for terraform-provider-sarga.

tofu:      $SARGA_TOFU, else scripts/lib/get-tofu.sh (pinned release, cached outside the checkout).
provider:  $SARGA_PROVIDER, else $SARGA_BUILD_DIR/provider/terraform-provider-sarga
           (SARGA_BUILD_DIR defaults to <repo>/build).
The provider is installed offline from a filesystem mirror in a temporary directory, selected
with TF_CLI_CONFIG_FILE, under the address registry.opentofu.org/sarga/sarga.
"""

import os

import pytest

from sarga_tofu import Workspace, find_provider, find_tofu, tofu_environment, write_mirror


@pytest.fixture(scope="session")
def tofu_bin():
    path = find_tofu()
    if not os.access(path, os.X_OK):
        pytest.fail(f"tofu binary {path} is not executable (set SARGA_TOFU or run scripts/lib/get-tofu.sh)")
    return path


@pytest.fixture(scope="session")
def provider_bin():
    path = find_provider()
    if not os.access(path, os.X_OK):
        pytest.fail(f"provider binary {path} not found: build it, or set SARGA_PROVIDER / SARGA_BUILD_DIR")
    return path.resolve()


@pytest.fixture(scope="session")
def cli_config(tmp_path_factory, provider_bin):
    return write_mirror(tmp_path_factory.mktemp("tofu-cli"), provider_bin)


@pytest.fixture
def tofu_env(cli_config, tmp_path):
    return tofu_environment(cli_config, tmp_path / ".tfdata")


@pytest.fixture
def workspace(tmp_path, tofu_bin, tofu_env):
    """An empty workspace; call .write(hcl), .init(), ..."""
    path = tmp_path / "ws"
    path.mkdir()
    return Workspace(path, tofu_bin, tofu_env)


@pytest.fixture
def make_workspace(tmp_path, tofu_bin, tofu_env):
    """Factory for extra workspaces in one test (e.g. import into a fresh state)."""
    def make(name):
        path = tmp_path / name
        path.mkdir()
        return Workspace(path, tofu_bin, dict(tofu_env, TF_DATA_DIR=str(path / ".tfdata")))

    return make
