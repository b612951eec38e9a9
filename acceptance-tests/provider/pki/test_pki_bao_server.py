"""The bao_server fixture itself: a real, unsealed OpenBao with a working root token."""
import pytest



def test_pki_bao_server_is_real_and_authenticated(bao_server):
    health = bao_server.request("GET", "sys/health").json()
    assert health["initialized"] is True and health["sealed"] is False
    assert health["version"] == "2.6.2"
    assert bao_server.api("GET", "auth/token/lookup-self")["id"] == bao_server.root_token
    assert bao_server.request("GET", "auth/token/lookup-self", token="wrong").status_code == 403


def test_pki_bao_server_root_ca(bao_server):
    mount = bao_server.unique("pki_fixture_root")
    assert mount != bao_server.unique("pki_fixture_root")
    root = bao_server.make_root(mount, common_name="Fixture Root")
    assert "BEGIN CERTIFICATE" in root["certificate"]
    assert bao_server.api("LIST", f"{mount}/issuers")["keys"] == [root["issuer_id"]]
    with pytest.raises(bao_server.ApiError) as err:
        bao_server.api("GET", "sys/mounts/pki_none_such")
    assert err.value.status == 400 and "No secret engine mount" in err.value.errors[0]


def test_pki_bao_server_limited_token(bao_server):
    mount = bao_server.unique("pki_limited")
    bao_server.enable_pki(mount)
    token = bao_server.token_with_policy(f'path "{mount}/*" {{ capabilities = ["read", "list"] }}')
    assert token and token != bao_server.root_token
    assert bao_server.request("LIST", f"{mount}/issuers", token=token).status_code == 404  # allowed, empty
    denied = bao_server.request("POST", f"sys/mounts/{mount}_other", json={"type": "pki"}, token=token)
    assert denied.status_code == 403
    assert "permission denied" in denied.json()["errors"][0]
