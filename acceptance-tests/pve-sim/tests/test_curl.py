"""curl through both auth flows: token header, ticket cookie + CSRF on writes, TLS pinning."""
import json
import shutil
import subprocess
import urllib.parse

import pytest

from pvesim_fixture import ROOT_PASSWORD, TOKEN_ID, TOKEN_SECRET

CURL = shutil.which("curl")


def curl(sim, path, *args, tls=None):
    tls = tls if tls is not None else ["--cacert", sim.cert]
    out = subprocess.run([CURL, "-sS", "-w", "\n%{http_code}", *tls, *args, sim.url + "/api2/json" + path],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    body, _, code = out.stdout.rpartition("\n")
    return int(code), json.loads(body) if body else None


def test_curl_is_installed():
    assert CURL, "curl is needed for these tests"


def test_token_flow(sim):
    code, body = curl(sim, "/nodes", "-H", f"Authorization: PVEAPIToken={TOKEN_ID}={TOKEN_SECRET}")
    assert code == 200
    assert [n["node"] for n in body["data"]] == ["pve1", "pve2", "pve3"]
    code, body = curl(sim, "/cluster/nextid", "-H", f"Authorization: PVEAPIToken={TOKEN_ID}=wrong")
    assert code == 401 and body["message"] == "authentication failure\n"
    code, body = curl(sim, "/version")
    assert code == 401 and body["message"] == "No ticket\n"


def test_ticket_flow_needs_csrf_on_writes(sim):
    code, body = curl(sim, "/access/ticket", "--data-urlencode", "username=root@pam",
                      "--data-urlencode", f"password={ROOT_PASSWORD}")
    assert code == 200, body
    ticket, csrf = body["data"]["ticket"], body["data"]["CSRFPreventionToken"]
    assert ticket.startswith("PVE:root@pam:")
    cookie = "PVEAuthCookie=" + urllib.parse.quote(ticket, safe="")
    code, body = curl(sim, "/cluster/status", "-b", cookie)
    assert code == 200 and body["data"][0]["type"] == "cluster"
    code, body = curl(sim, "/pools", "-b", cookie, "-d", "poolid=team")
    assert code == 401 and body["message"] == "Permission denied - invalid csrf token\n"
    code, body = curl(sim, "/pools", "-b", cookie, "-H", f"CSRFPreventionToken: {csrf}", "-d", "poolid=team")
    assert code == 200, body
    code, body = curl(sim, "/pools", "-b", cookie)
    assert [p["poolid"] for p in body["data"]] == ["team"]
    # Renewal: the ticket itself as password.
    code, body = curl(sim, "/access/ticket", "--data-urlencode", "username=root@pam",
                      "--data-urlencode", f"password={ticket}")
    assert code == 200 and body["data"]["ticket"].startswith("PVE:root@pam:")


def test_pinned_public_key(sim):
    auth = ["-H", f"Authorization: PVEAPIToken={TOKEN_ID}={TOKEN_SECRET}"]
    code, _ = curl(sim, "/version", *auth, tls=["-k", "--pinnedpubkey", sim.info["pinnedpubkey"]])
    assert code == 200
    wrong = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    out = subprocess.run([CURL, "-sS", "-k", "--pinnedpubkey", wrong, *auth, sim.url + "/api2/json/version"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "pinned" in out.stderr.lower()


def test_fingerprint_matches_served_certificate(sim):
    out = subprocess.run(["openssl", "x509", "-in", sim.cert, "-noout", "-fingerprint", "-sha256"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().split("=", 1)[1] == sim.info["fingerprint"]


def test_untrusted_certificate_is_refused_by_default(sim):
    out = subprocess.run([CURL, "-sS", "--cacert", "/etc/ssl/certs/ca-certificates.crt", sim.url + "/api2/json/version"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0


def test_expired_ticket_is_rejected(sim):
    sim.control("POST", "settings", {"ticket_lifetime": 1})
    code, body = curl(sim, "/access/ticket", "--data-urlencode", "username=root@pam",
                      "--data-urlencode", f"password={ROOT_PASSWORD}")
    cookie = "PVEAuthCookie=" + urllib.parse.quote(body["data"]["ticket"], safe="")
    assert curl(sim, "/version", "-b", cookie)[0] == 200
    import time
    time.sleep(2.2)
    code, body = curl(sim, "/version", "-b", cookie)
    assert code == 401 and body["message"] == "authentication failure\n"
    sim.control("POST", "settings", {"ticket_lifetime": 7200})
