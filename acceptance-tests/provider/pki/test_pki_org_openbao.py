"""sarga_org_intermediate with backend "openbao" against a real OpenBao dev server and real
tofu: create, empty re-plan, roles, name constraints enforced by `openssl verify`, renewal
with short TTLs, revocation in the root CRL, import, drift, and bad input."""
import time

import pytest

from pki_org_helpers import crl_serials, org_hcl, serial_hex, verify, x509_text

ADDR = "sarga_org_intermediate.acme"


@pytest.fixture(scope="module")
def root(bao_server):
    data = bao_server.make_root("pki_root", common_name="Sarga Test Root")
    return data["certificate"]


@pytest.fixture
def bao_ws(workspace, bao_server, root):
    workspace.env.update(bao_server.env)
    return workspace


@pytest.fixture
def bao_make_ws(make_workspace, bao_server, root):
    def make(name):
        ws = make_workspace(name)
        ws.env.update(bao_server.env)
        return ws
    return make


def mounts(bao_server):
    return set(k.rstrip("/") for k in bao_server.api("GET", "sys/mounts"))


def test_pki_org_create_roles_constraints_and_destroy_revokes(bao_ws, bao_server, root, tmp_path):
    bao_ws.write(org_hcl(extra="""
        issuing_certificates    = ["http://127.0.0.1:8200/v1/pki_org_acme/ca"]
        crl_distribution_points = ["http://127.0.0.1:8200/v1/pki_org_acme/crl"]
        roles = {
          web = { ttl = "24h", max_ttl = "72h" }
        }
    """))
    bao_ws.init()
    bao_ws.apply()
    ca = bao_ws.resources()[ADDR]
    assert ca["id"] == "pki_org_acme" and ca["mount"] == "pki_org_acme"
    text = x509_text(ca["certificate"])
    assert "CA:TRUE, pathlen:0" in text
    assert "X509v3 Name Constraints: critical" in text and "DNS:acme.example" in text
    assert ca["serial"] == serial_hex(ca["certificate"])
    assert ca["ready_for_renewal"] is False
    assert [c.strip() for c in ca["ca_chain"]] == [ca["certificate"].strip(), root.strip()]
    assert bao_server.api("GET", "pki_org_acme/config/issuers")["default"] == ca["issuer_id"]
    assert bao_server.api("GET", f"pki_org_acme/issuer/{ca['issuer_id']}")["leaf_not_after_behavior"] == "truncate"
    urls = bao_server.api("GET", "pki_org_acme/config/urls")
    assert urls["crl_distribution_points"] == ["http://127.0.0.1:8200/v1/pki_org_acme/crl"]
    bao_ws.assert_no_changes()

    # A leaf through the org role verifies up to the root.
    leaf = bao_server.api("POST", "pki_org_acme/issue/web", {"common_name": "www.acme.example"})
    ok = verify(tmp_path, root, [ca["certificate"]], leaf["certificate"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # The role refuses names outside the organisation...
    with pytest.raises(bao_server.ApiError) as refused:
        bao_server.api("POST", "pki_org_acme/issue/web", {"common_name": "www.evil.example"})
    assert refused.value.status == 400
    # ...and even a leaf the CA's key signs anyway fails validation: the name constraint.
    bao_server.api("POST", "pki_org_acme/roles/anything", {"allow_any_name": True, "enforce_hostnames": False, "ttl": "1h"})
    rogue = bao_server.api("POST", "pki_org_acme/issue/anything", {"common_name": "www.evil.example"})
    bad = verify(tmp_path, root, [ca["certificate"]], rogue["certificate"])
    assert bad.returncode != 0
    assert "permitted subtree violation" in bad.stdout + bad.stderr

    bao_ws.destroy()
    assert ca["serial"] in crl_serials(bao_server.request("GET", "pki_root/crl/pem").text)
    assert "pki_org_acme" not in mounts(bao_server)


def test_pki_org_renewal_in_place_with_the_same_key(bao_ws, bao_server):
    base = org_hcl(name="renew", domains=("renew.example",)).replace('"720h"', '"150s"').replace('"24h"', '"120s"')
    bao_ws.write(base)
    bao_ws.init()
    bao_ws.apply()
    first = bao_ws.resources()[ADDR]
    bao_ws.assert_no_changes()
    time.sleep(32)  # 150s lifetime, renew in the last 120s: due 30s after issuance
    plan = bao_ws.plan(expect=2)
    assert "update in-place" in plan.stdout and "must be replaced" not in plan.stdout, plan.stdout
    assert "ready_for_renewal" in plan.stdout
    bao_ws.apply()
    second = bao_ws.resources()[ADDR]
    assert second["serial"] != first["serial"]
    assert second["key_id"] == first["key_id"]
    assert second["issuer_id"] != first["issuer_id"]
    assert bao_server.api("GET", "pki_org_renew/config/issuers")["default"] == second["issuer_id"]
    assert second["ready_for_renewal"] is False
    bao_ws.assert_no_changes()

    # rotate_key: a due renewal replaces the CA with a new key and revokes the old ones.
    bao_ws.write(base.replace('renew_before          = "120s"', 'renew_before          = "149s"\n  rotate_key = true'))
    time.sleep(2)  # a 149s window on a 150s lifetime is due 1 s after issuance; a fast machine gets here sooner
    plan = bao_ws.plan(expect=2)
    assert "must be replaced" in plan.stdout and "ready_for_renewal" in plan.stdout, plan.stdout
    bao_ws.apply()
    third = bao_ws.resources()[ADDR]
    assert third["key_id"] != second["key_id"]
    revoked = crl_serials(bao_server.request("GET", "pki_root/crl/pem").text)
    assert {first["serial"], second["serial"]} <= revoked
    bao_ws.destroy()
    assert third["serial"] in crl_serials(bao_server.request("GET", "pki_root/crl/pem").text)


def test_pki_org_import_by_mount_path(bao_make_ws, bao_server):
    hcl = org_hcl(name="imp", domains=("imp.example",), extra='roles = { web = {} }')
    origin = bao_make_ws("origin")
    origin.write(hcl)
    origin.init()
    origin.apply()
    created = origin.resources()[ADDR]

    fresh = bao_make_ws("fresh")
    fresh.write(hcl)
    fresh.init()
    out = fresh.run("import", "-no-color", "-input=false", ADDR, "pki_org_imp").stdout
    assert "Import successful" in out
    imported = fresh.resources()[ADDR]
    for key in ("certificate", "serial", "issuer_id", "key_id", "common_name", "max_path_length",
                "permitted_dns_domains", "ca_chain", "not_after", "fingerprint"):
        assert imported[key] == created[key], key
    plan = fresh.plan(expect=None)
    assert "must be replaced" not in plan.stdout
    assert "0 to destroy" in plan.stdout or "No changes." in plan.stdout, plan.stdout
    fresh.apply()
    assert fresh.resources()[ADDR]["serial"] == created["serial"], "import must not re-issue"
    fresh.assert_no_changes()

    # A role deleted out of band is drift: the plan writes it again, in place.
    bao_server.api("DELETE", "pki_org_imp/roles/web")
    plan = fresh.plan(expect=2)
    assert "update in-place" in plan.stdout and "roles" in plan.stdout, plan.stdout
    fresh.apply()
    assert bao_server.api("GET", "pki_org_imp/roles/web")["allowed_domains"] == ["imp.example"]
    fresh.assert_no_changes()
    fresh.destroy()
    assert "pki_org_imp" not in mounts(bao_server)


def test_pki_org_mount_removed_out_of_band_is_drift(bao_ws, bao_server):
    bao_ws.write(org_hcl(name="drift", domains=("drift.example",)))
    bao_ws.init()
    bao_ws.apply()
    bao_server.api("DELETE", "sys/mounts/pki_org_drift")
    plan = bao_ws.plan(expect=2)
    assert "will be created" in plan.stdout, plan.stdout
    bao_ws.apply()
    assert "pki_org_drift" in mounts(bao_server)
    bao_ws.assert_no_changes()

    # The issuer deleted (mount kept): drift too; the emptied mount is taken over again.
    issuer = bao_ws.resources()[ADDR]["issuer_id"]
    bao_server.api("DELETE", f"pki_org_drift/issuer/{issuer}")
    plan = bao_ws.plan(expect=2)
    assert "will be created" in plan.stdout, plan.stdout
    bao_ws.apply()
    again = bao_ws.resources()[ADDR]
    assert again["issuer_id"] != issuer
    assert bao_server.api("GET", "pki_org_drift/config/issuers")["default"] == again["issuer_id"]
    bao_ws.assert_no_changes()
    bao_ws.destroy()


def test_pki_org_import_of_a_missing_mount_is_a_clear_error(bao_ws):
    bao_ws.write(org_hcl(name="ghost", domains=("ghost.example",)))
    bao_ws.init()
    out = bao_ws.run("import", "-no-color", "-input=false", ADDR, "pki_org_ghost", expect=1)
    assert "Nothing to import" in out.stderr and "pki_org_ghost" in out.stderr, out.stderr


def test_pki_org_missing_root_mount_is_a_clear_error(bao_ws, bao_server):
    bao_ws.write(org_hcl(name="noroot", domains=("noroot.example",)).replace('"pki_root"', '"pki_nowhere"'))
    bao_ws.init()
    out = bao_ws.apply(expect=1)
    assert "Root CA not found" in out.stderr and "pki_nowhere" in out.stderr, out.stderr
    assert "pki_org_noroot" not in mounts(bao_server), "nothing is created before the root is checked"


def test_pki_org_token_without_policy_is_a_clear_error(bao_ws, bao_server):
    bao_server.api("POST", "sys/policies/acl/pki-read-only",
                   {"policy": 'path "pki_root/*" { capabilities = ["read", "list"] }'})
    raw = bao_server.request("POST", "auth/token/create", json={"policies": ["pki-read-only"], "ttl": "10m"}).json()
    bao_ws.env["SARGA_BAO_TOKEN"] = raw["auth"]["client_token"]
    bao_ws.write(org_hcl(name="nopolicy", domains=("nopolicy.example",)))
    bao_ws.init()
    out = bao_ws.apply(expect=1)
    assert "permission denied" in out.stderr and "sys/mounts/pki_org_nopolicy" in out.stderr, out.stderr
    assert "policy" in out.stderr
    assert "pki_org_nopolicy" not in mounts(bao_server)


def test_pki_org_bad_input_is_rejected_at_plan(bao_ws):
    bao_ws.write(org_hcl(name="bad", domains=("bad.example",), extra='roles = { web = { allowed_domains = ["evil.example"] } }'))
    bao_ws.init()
    out = bao_ws.plan(expect=1)
    assert "Role domain outside the organisation" in out.stderr, out.stderr


def test_pki_org_existing_key_unset_pathlen_and_kept_mount(bao_ws, bao_server):
    bao_server.enable_pki("pki_org_keyed")
    key = bao_server.api("POST", "pki_org_keyed/keys/generate/internal", {"key_type": "ec", "key_bits": 384})
    bao_ws.write(f"""
    resource "sarga_org_intermediate" "acme" {{
      backend               = "openbao"
      name                  = "keyed"
      common_name           = "Keyed Intermediate CA"
      root_mount            = "pki_root"
      ttl                   = "1440h"
      key_type              = "ec-p384"
      key_ref               = "{key['key_id']}"
      permitted_dns_domains = ["keyed.example"]
      keep_mount_on_destroy = true
      tidy_on_destroy       = true
    }}
    """)
    bao_ws.init()
    bao_ws.apply()
    ca = bao_ws.resources()[ADDR]
    assert ca["key_id"] == key["key_id"]
    text = x509_text(ca["certificate"])
    assert "CA:TRUE" in text and "pathlen" not in text, "unset max_path_length: no constraint from a root without one"
    assert "NIST CURVE: P-384" in text
    bao_ws.assert_no_changes()
    bao_ws.destroy()
    assert ca["serial"] in crl_serials(bao_server.request("GET", "pki_root/crl/pem").text)
    assert "pki_org_keyed" in mounts(bao_server), "keep_mount_on_destroy"


def test_pki_org_namespace_from_the_environment(bao_ws, bao_server):
    bao_server.api("POST", "sys/namespaces/team")
    ns = {"X-Vault-Namespace": "team"}
    assert bao_server.request("POST", "sys/mounts/pki_root", json={"type": "pki", "config": {"max_lease_ttl": "87600h"}},
                              headers=ns).status_code == 204
    root = bao_server.request("POST", "pki_root/root/generate/internal", headers=ns,
                              json={"common_name": "Team Root", "ttl": "87600h", "key_type": "ec"}).json()["data"]
    bao_ws.env["SARGA_BAO_NAMESPACE"] = "team"
    bao_ws.write(org_hcl(name="teamorg", domains=("team.example",)))
    bao_ws.init()
    bao_ws.apply()
    ca = bao_ws.resources()[ADDR]
    assert [c.strip() for c in ca["ca_chain"]][1] == root["certificate"].strip()
    assert bao_server.request("GET", "pki_org_teamorg/config/issuers", headers=ns).json()["data"]["default"] == ca["issuer_id"]
    assert "pki_org_teamorg" not in mounts(bao_server), "created inside the namespace only"
    bao_ws.assert_no_changes()
    bao_ws.destroy()
    assert bao_server.request("GET", "sys/mounts/pki_org_teamorg", headers=ns).status_code == 400
