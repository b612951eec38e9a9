"""sarga_org_intermediate with backend "local" and real tofu: a root made by the openssl CLI,
the intermediate signed in-process, checked with `openssl verify` (name constraints and path
length enforced), key file 0600, sensitive key attribute, renewal in place with the same key."""
import os
import stat
import time

from pki_org_helpers import openssl, serial_hex, verify, x509_text

LOCAL = """
resource "sarga_org_intermediate" "acme" {
  backend               = "local"
  name                  = "acme"
  common_name           = "Acme Local CA"
  ttl                   = "%(ttl)s"
  renew_before          = "%(renew)s"
  max_path_length       = 0
  permitted_dns_domains = ["acme.example"]
  root_certificate_file = "${path.module}/root.pem"
  root_key_pem          = file("${path.module}/root.key")
  private_key_file      = "${path.module}/acme.key"
}

resource "sarga_org_intermediate" "globex" {
  backend               = "local"
  name                  = "globex"
  common_name           = "Globex Local CA"
  key_type              = "ed25519"
  permitted_dns_domains = ["globex.example"]
  root_certificate_pem  = file("${path.module}/root.pem")
  root_key_file         = "${path.module}/root.key"
}
"""


def make_root(path):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", str(path / "root.key"), "-out", str(path / "root.pem"), "-days", "3650",
            "-subj", "/CN=Local Test Root", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return (path / "root.pem").read_text()


def sign_leaf(tmp, ca_pem, ca_key_path, name):
    """A leaf made and signed by the openssl CLI with the intermediate's key."""
    (tmp / "ca.pem").write_text(ca_pem)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", str(tmp / f"{name}.key"), "-out", str(tmp / f"{name}.csr"), "-subj", f"/CN={name}")
    (tmp / "ext.cnf").write_text(f"subjectAltName=DNS:{name}\nbasicConstraints=critical,CA:FALSE\n")
    openssl("x509", "-req", "-in", str(tmp / f"{name}.csr"), "-CA", str(tmp / "ca.pem"), "-CAkey",
            str(ca_key_path), "-CAcreateserial", "-out", str(tmp / f"{name}.pem"), "-days", "1",
            "-extfile", str(tmp / "ext.cnf"))
    return (tmp / f"{name}.pem").read_text()


def test_pki_org_local_create_verify_and_replan(workspace, tmp_path):
    root = make_root(workspace.path)
    workspace.write(LOCAL % {"ttl": "240h", "renew": "24h"})
    workspace.init()
    workspace.apply()
    state = workspace.resources()
    acme = state["sarga_org_intermediate.acme"]
    assert acme["id"] == "local/acme"
    text = x509_text(acme["certificate"])
    assert "CA:TRUE, pathlen:0" in text and "X509v3 Name Constraints: critical" in text
    assert acme["serial"] == serial_hex(acme["certificate"])
    assert [c.strip() for c in acme["ca_chain"]] == [acme["certificate"].strip(), root.strip()]
    assert acme["private_key_pem"] is None
    key_file = workspace.path / "acme.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    root_key_body = (workspace.path / "root.key").read_text().splitlines()[1]
    assert root_key_body not in (workspace.path / "terraform.tfstate").read_text(), "write-only root key stored"

    globex = state["sarga_org_intermediate.globex"]
    assert "BEGIN PRIVATE KEY" in globex["private_key_pem"]
    assert "ED25519" in x509_text(globex["certificate"]).upper()
    sensitive = workspace.show()["values"]["root_module"]["resources"]
    flags = {r["address"]: r.get("sensitive_values", {}) for r in sensitive}
    assert flags["sarga_org_intermediate.globex"].get("private_key_pem") is True

    inside = sign_leaf(tmp_path, acme["certificate"], key_file, "www.acme.example")
    ok = verify(tmp_path, root, [acme["certificate"]], inside)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    outside = sign_leaf(tmp_path, acme["certificate"], key_file, "www.evil.example")
    bad = verify(tmp_path, root, [acme["certificate"]], outside)
    assert bad.returncode != 0 and "permitted subtree violation" in bad.stdout + bad.stderr

    workspace.assert_no_changes()
    workspace.destroy()
    assert not key_file.exists()


def test_pki_org_local_renewal_keeps_the_key(workspace):
    make_root(workspace.path)
    workspace.write(LOCAL % {"ttl": "180s", "renew": "150s"})
    workspace.init()
    workspace.apply()
    first = workspace.resources()["sarga_org_intermediate.acme"]
    key_before = (workspace.path / "acme.key").read_text()
    time.sleep(32)  # due 30s after issuance
    plan = workspace.plan(expect=2)
    assert "update in-place" in plan.stdout and "must be replaced" not in plan.stdout, plan.stdout
    workspace.apply()
    second = workspace.resources()["sarga_org_intermediate.acme"]
    assert second["serial"] != first["serial"]
    assert (workspace.path / "acme.key").read_text() == key_before
    pub = lambda pem: openssl("x509", "-noout", "-pubkey", input=pem).stdout
    assert pub(second["certificate"]) == pub(first["certificate"])
    workspace.destroy()


def test_pki_org_local_missing_root_key_is_a_clear_error(workspace):
    make_root(workspace.path)
    workspace.write(LOCAL.replace('root_key_pem          = file("${path.module}/root.key")', "")
                    % {"ttl": "240h", "renew": "24h"})
    workspace.init()
    out = workspace.plan(expect=1)
    assert "root_key_pem" in out.stderr and "exactly one of" in out.stderr, out.stderr
