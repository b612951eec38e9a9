"""Non-ASCII strings through the real provider binary. The provider normalises every
non-ASCII string to NFC as go-cty does, with ICU loaded on first use (the binary links the
C++ runtime statically and loads ICU only then), so this is the path that loads it."""


def test_non_ascii_text_round_trips_through_function_and_seed(workspace):
    workspace.write("""
    locals {
      motd = "Grüße aus Köln, café ☕ 🐧\\n"
    }
    output "ud" {
      value = provider::sarga::cloudinit_userdata({
        write_files = [{ path = "/etc/motd", content = local.motd }]
      })
    }
    resource "sarga_cloudinit_seed" "unicode" {
      hostname    = "unicode-01"
      user_data   = "#cloud-config\\nbootcmd:\\n  - echo 'Grüße 🐧'\\n"
      output_path = "${path.module}/unicode.iso"
    }
    """)
    workspace.init()
    workspace.apply()
    ud = workspace.outputs()["ud"]
    assert "Grüße aus Köln, café ☕ 🐧" in ud
    iso = (workspace.path / "unicode.iso").read_bytes()
    assert "echo 'Grüße 🐧'".encode() in iso
    workspace.assert_no_changes()
