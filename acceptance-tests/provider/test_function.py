"""provider::sarga::cloudinit_userdata called by tofu."""


def test_function_renders_cloud_config(workspace):
    workspace.write("""
    output "ud" {
      value = provider::sarga::cloudinit_userdata({
        packages       = ["nginx", "curl"]
        package_update = true
        write_files = [{
          path        = "/etc/motd"
          permissions = "0644"
          content     = "hello\\nworld\\n"
        }]
        users = [{ name = "ops", sudo = "ALL=(ALL) NOPASSWD:ALL", uid = 1001 }]
      })
    }
    """)
    workspace.init()
    workspace.apply()
    assert workspace.outputs()["ud"] == (
        "#cloud-config\n"
        "package_update: true\n"
        "packages:\n"
        "  - nginx\n"
        "  - curl\n"
        "users:\n"
        "  - name: ops\n"
        "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n"
        "    uid: 1001\n"
        "write_files:\n"
        "  - content: |\n"
        "      hello\n"
        "      world\n"
        "    path: /etc/motd\n"
        "    permissions: \"0644\"\n")
    workspace.assert_no_changes()


def test_function_output_feeds_a_seed(workspace):
    workspace.write("""
    resource "sarga_cloudinit_seed" "fn" {
      hostname    = "fn-01"
      user_data   = provider::sarga::cloudinit_userdata({ packages = ["htop"] })
      output_path = "${path.module}/fn.iso"
    }
    """)
    workspace.init()
    workspace.apply()
    values = workspace.resources()["sarga_cloudinit_seed.fn"]
    assert values["user_data"] == "#cloud-config\npackages:\n  - htop\n"
    workspace.assert_no_changes()


def test_function_rejects_a_string(workspace):
    workspace.write("""
    output "ud" {
      value = provider::sarga::cloudinit_userdata("packages: [x]")
    }
    """)
    workspace.init()
    proc = workspace.plan(expect=1)
    err = " ".join(proc.stderr.split())  # tofu wraps long lines
    assert 'Invalid value for "config" parameter: the argument must be an object or map of ' \
           "cloud-config keys, got string." in err, proc.stderr
