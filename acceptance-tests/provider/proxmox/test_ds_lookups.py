"""Data sources sarga_nodes, sarga_template and sarga_lxc with real tofu against pve-sim."""
import time

from lxc_support import make_ct, upload_vztmpl
from scenarios import make_vm_template


def test_nodes(pve_sim, pve_workspace):
    ws = pve_workspace
    ws.write("""
data "sarga_nodes" "all" {}
output "names"  { value = [for n in data.sarga_nodes.all.nodes : n.name] }
output "first"  { value = data.sarga_nodes.all.nodes[0] }
""")
    ws.init()
    ws.apply()
    out = ws.outputs()
    assert out["names"] == ["pve1", "pve2", "pve3"]
    assert out["first"]["status"] == "online"
    assert out["first"]["cpus"] > 0 and out["first"]["memory"] > 0


def test_template_newest_volume_and_vm(pve_sim, pve_workspace):
    ws = pve_workspace
    pve_sim.reset()
    upload_vztmpl(pve_sim, "debian-12-web_1.0_amd64.tar.gz", node="pve2")
    time.sleep(1.1)  # ctime has one-second resolution
    newest = upload_vztmpl(pve_sim, "debian-12-web_1.1_amd64.tar.gz", node="pve2")
    time.sleep(1.1)
    upload_vztmpl(pve_sim, "alpine-3-web_9.9_amd64.tar.gz", node="pve2")  # newer, but another name
    make_vm_template(pve_sim, 9001, "golden-noble-1", node="pve1", tags="golden;noble")
    time.sleep(1.1)
    make_vm_template(pve_sim, 8001, "golden-noble-2", node="pve3", tags="golden;noble")  # newer, lower vmid
    make_vm_template(pve_sim, 9500, "golden-jammy-1", node="pve1", tags="golden;jammy")
    ws.write("""
data "sarga_template" "ct" {
  kind       = "lxc"
  name_regex = "^debian-12-web_"
}
data "sarga_template" "vm" {
  kind       = "vm"
  name_regex = "^golden-"
  tags       = ["Noble"]
}
output "ct" { value = data.sarga_template.ct }
output "vm" { value = data.sarga_template.vm }
""")
    ws.init()
    ws.apply()
    out = ws.outputs()
    assert out["ct"]["volume_id"] == newest
    assert out["ct"]["name"] == "debian-12-web_1.1_amd64.tar.gz"
    assert out["ct"]["node"] == "pve2" and out["ct"]["vmid"] == 0
    assert out["ct"]["created"].endswith("Z")
    assert out["vm"]["vmid"] == 8001 and out["vm"]["node"] == "pve3"
    assert out["vm"]["name"] == "golden-noble-2" and out["vm"]["volume_id"] == ""
    ws.assert_no_changes()


def test_template_without_match_names_the_pattern(pve_sim, pve_workspace):
    ws = pve_workspace
    ws.write("""
data "sarga_template" "none" {
  kind       = "lxc"
  name_regex = "^nothing-like-this"
  storage    = "local"
}
""")
    ws.init()
    proc = ws.plan(expect=1)
    text = " ".join(proc.stderr.split())  # tofu wraps long details
    assert "No template matches" in text, text
    assert 'in storage local matches name_regex "^nothing-like-this"' in text, text
    ws.write("""
data "sarga_template" "bad" {
  kind       = "lxc"
  name_regex = "(unclosed"
}
""")
    proc = ws.plan(expect=1)
    assert "Invalid regular expression" in proc.stderr, proc.stderr


def test_lxc_lookup(pve_sim, pve_workspace):
    ws = pve_workspace
    make_ct(pve_sim, 5001, hostname="db-1", tags="db;prod")
    make_ct(pve_sim, 5002, hostname="db-2", tags="db;staging", node="pve2")
    make_ct(pve_sim, 5003, hostname="cache-1", tags="prod")
    ws.write("""
data "sarga_lxc" "by_vmid" { vmid = 5002 }
data "sarga_lxc" "by_name" { name = "cache-1" }
data "sarga_lxc" "by_tags" { tags = ["DB", "prod"] }
output "by_vmid" { value = data.sarga_lxc.by_vmid }
output "by_name" { value = data.sarga_lxc.by_name }
output "by_tags" { value = data.sarga_lxc.by_tags }
""")
    ws.init()
    ws.apply()
    out = ws.outputs()
    assert out["by_vmid"]["node"] == "pve2" and out["by_vmid"]["name"] == "db-2"
    assert out["by_vmid"]["id"] == "pve2/5002" and out["by_vmid"]["status"] == "stopped"
    assert out["by_name"]["vmid"] == 5003
    assert out["by_tags"]["vmid"] == 5001 and out["by_tags"]["all_tags"] == ["db", "prod"]

    ws.write('data "sarga_lxc" "many" { tags = ["db"] }\n')
    proc = ws.plan(expect=1)
    assert "2 containers match tags [db]" in proc.stderr, proc.stderr
    assert "pve1/5001" in proc.stderr and "pve2/5002" in proc.stderr, proc.stderr
    ws.write('data "sarga_lxc" "none" { name = "nope" }\n')
    proc = ws.plan(expect=1)
    assert 'no container matches name "nope"' in proc.stderr, proc.stderr
    make_vm_template(pve_sim, 5004, "a-vm")
    ws.write('data "sarga_lxc" "vm" { vmid = 5004 }\n')
    proc = ws.plan(expect=1)
    assert "vmid 5004 is a QEMU VM" in proc.stderr, proc.stderr
