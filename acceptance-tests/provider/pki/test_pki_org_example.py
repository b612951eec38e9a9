"""examples/org-pki applied against a real OpenBao: a root, two organisations, a leaf issued
through an org role and checked with `openssl verify`; destroy revokes both at the root."""
import shutil

import pytest

from sarga_tofu import REPO

from pki_org_helpers import crl_serials, verify


@pytest.fixture(scope="module")
def root(bao_server):
    return bao_server.make_root("pki_root", common_name="Example Root")["certificate"]


def apply_example(make_workspace, bao_server, name):
    ws = make_workspace(name)
    ws.env.update(bao_server.env)
    shutil.copytree(REPO / "examples" / name, ws.path, dirs_exist_ok=True)
    ws.init()
    ws.apply()
    ws.assert_no_changes()
    return ws


def test_pki_org_example_two_organisations_and_a_leaf(make_workspace, bao_server, root, tmp_path):
    ws = apply_example(make_workspace, bao_server, "org-pki")
    cas = {k.split('"')[1]: v for k, v in ws.resources().items()}
    assert set(cas) == {"acme", "globex"}
    assert ws.outputs()["issue_paths"] == {"acme": "pki_org_acme/issue/web", "globex": "pki_org_globex/issue/web"}

    leaf = bao_server.api("POST", "pki_org_acme/issue/web", {"common_name": "www.acme.example"})
    ok = verify(tmp_path, root, [cas["acme"]["certificate"]], leaf["certificate"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # One organisation cannot issue for another's domain.
    refused = bao_server.request("POST", "pki_org_acme/issue/web", json={"common_name": "www.globex.example"})
    assert refused.status_code == 400
    # globex's second domain works through its own role.
    other = bao_server.api("POST", "pki_org_globex/issue/web", {"common_name": "api.globex.test"})
    ok = verify(tmp_path, root, [cas["globex"]["certificate"]], other["certificate"])
    assert ok.returncode == 0, ok.stdout + ok.stderr

    ws.destroy()
    revoked = crl_serials(bao_server.request("GET", "pki_root/crl/pem").text)
    assert {cas["acme"]["serial"], cas["globex"]["serial"]} <= revoked


def test_pki_org_doc_example(make_workspace, bao_server, root, tmp_path):
    ws = apply_example(make_workspace, bao_server, "org_intermediate")
    chain = ws.outputs()["acme_ca_chain"]
    assert len(chain) == 2 and chain[1].strip() == root.strip()
    leaf = bao_server.api("POST", "pki_org_acme/issue/web", {"common_name": "api.acme.example"})
    ok = verify(tmp_path, root, [chain[0]], leaf["certificate"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    ws.destroy()
