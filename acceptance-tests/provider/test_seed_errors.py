"""Every invalid input fails `tofu plan` with a message that names the attribute (and line)."""

import re

import pytest


def resource(body):
    return 'resource "sarga_cloudinit_seed" "bad" {\n' + body + '\n  output_path = "./bad.iso"\n}\n'


CASES = [
    pytest.param(
        'user_data = "#cloud-config\\npackages:\\n  - nginx\\n bad: [\\n"',
        ["Invalid cloud-config YAML", "line 4, column", "user_data"],
        id="bad-yaml-names-line"),
    pytest.param(
        'user_data = "#cloud-config\\n- a\\n"',
        ["Invalid cloud-config", "must be a mapping", "line 2 starts a list"],
        id="cloud-config-not-mapping"),
    pytest.param(
        'user_data = "packages: [nginx]\\n"',
        ["Unrecognised user data", 'first line must be "#cloud-config"'],
        id="user-data-without-header"),
    pytest.param(
        'network_config = "version: 1\\nconfig: []\\n"',
        ["Invalid network_config", "line 1: version must be 2", "version 1 is not supported",
         'line 2: unknown key "config"'],
        id="network-config-v1"),
    pytest.param(
        'network_config = "version: 2\\nethernets:\\n  eth0:\\n    addresses: [10.0.0.5]\\n"',
        ["Invalid network_config", "line 4", "needs a prefix length, e.g. 10.0.0.5/24"],
        id="network-config-address-without-prefix"),
    pytest.param(
        'network_config = "version: 2\\nethernets: [\\n"',
        ["Invalid network_config YAML", "line 3"],
        id="network-config-bad-yaml"),
    pytest.param(
        'part {\n content_type = "text/plain"\n content = "x"\n }',
        ["Unsupported part content type", '"text/plain" is not a cloud-init content type'],
        id="bad-part-content-type"),
    pytest.param(
        'part {\n content_type = "text/x-shellscript"\n content = "echo hi\\n"\n }',
        ["Script part without interpreter line", 'must start with "#!"'],
        id="script-part-without-shebang"),
    pytest.param(
        'part {\n content_type = "text/cloud-config"\n content = "a: [\\n"\n }',
        ["Invalid cloud-config YAML", "line 2"],
        id="part-bad-yaml"),
    pytest.param(
        'part {\n content_type = "text/cloud-config"\n merge_type = "dict("\n content = "a: 1\\n"\n }',
        ["Invalid merge_type", "list(append)+dict(recurse_array)+str()"],
        id="bad-merge-type"),
    pytest.param(
        'user_data = "#cloud-config\\n{}\\n"\n part {\n content_type = "text/cloud-config"\n content = "a: 1\\n"\n }',
        ["Conflicting user data", "set either user_data or part blocks, not both"],
        id="user-data-and-parts"),
    pytest.param(
        'hostname = "web_01!"',
        ["Invalid hostname", '"web_01!" is not a valid host name'],
        id="bad-hostname"),
    pytest.param(
        'instance_id = "has space"',
        ["Invalid instance_id", "no spaces"],
        id="bad-instance-id"),
    pytest.param(
        'meta_data = { "instance-id" = "x" }',
        ["Reserved meta_data key", 'set "instance-id" with the instance_id attribute'],
        id="reserved-meta-data-key"),
    pytest.param(
        'vendor_data = "just text"',
        ["Unrecognised user data", "just text"],
        id="bad-vendor-data"),
    pytest.param(
        'output_path = ""\n user_data = "#!/bin/sh\\n"',
        ["Empty output_path"],
        id="empty-output-path"),
]


@pytest.mark.parametrize("body,messages", CASES)
def test_invalid_input_is_rejected(workspace, body, messages):
    hcl = resource(body)
    if "output_path = \"\"" in body:  # the case sets its own output_path
        hcl = hcl.replace('\n  output_path = "./bad.iso"', "")
    workspace.write(hcl)
    workspace.init()
    proc = workspace.plan(expect=1)
    err = re.sub(r"\s+", " ", proc.stderr)
    for message in messages:
        assert re.sub(r"\s+", " ", message) in err, proc.stderr
    # tofu points at the resource block in main.tf.
    assert "on main.tf line" in proc.stderr and 'resource "sarga_cloudinit_seed" "bad"' in proc.stderr
    assert not (workspace.path / "bad.iso").exists()


def test_error_points_at_the_attribute_line(workspace):
    workspace.write(resource('hostname = "ok"\n  user_data = "#cloud-config\\nx: [\\n"'))
    workspace.init()
    proc = workspace.plan(expect=1)
    # The diagnostic's attribute path makes tofu quote the user_data line of main.tf.
    assert re.search(r"on main\.tf line \d+, in resource \"sarga_cloudinit_seed\" \"bad\":", proc.stderr)
    assert 'user_data = "#cloud-config' in proc.stderr, proc.stderr
