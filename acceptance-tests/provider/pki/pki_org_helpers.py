"""Helpers shared by the sarga_org_intermediate acceptance tests (test_pki_org_*): openssl
checks and HCL snippets."""
import subprocess
import textwrap
from pathlib import Path


def openssl(*args, input=None, check=True):
    return subprocess.run(["openssl", *args], input=input, capture_output=True, text=True, check=check)


def x509_text(pem: str) -> str:
    return openssl("x509", "-noout", "-text", input=pem).stdout


def serial_hex(pem: str) -> str:
    """Serial as OpenBao writes it: lower-case colon-separated hex."""
    out = openssl("x509", "-noout", "-serial", input=pem).stdout.strip().split("=", 1)[1].lower()
    if len(out) % 2:
        out = "0" + out
    return ":".join(out[i:i + 2] for i in range(0, len(out), 2))


def verify(tmp: Path, root_pem: str, chain_pems, leaf_pem: str):
    """`openssl verify` of a leaf with the root as the only trust anchor."""
    (tmp / "root.pem").write_text(root_pem)
    (tmp / "untrusted.pem").write_text("".join(chain_pems))
    (tmp / "leaf.pem").write_text(leaf_pem)
    return openssl("verify", "-x509_strict", "-CAfile", str(tmp / "root.pem"), "-untrusted",
                   str(tmp / "untrusted.pem"), str(tmp / "leaf.pem"), check=False)


def crl_serials(crl_pem: str) -> set:
    """Revoked serials of a CRL, lower-case colon hex."""
    text = openssl("crl", "-noout", "-text", input=crl_pem).stdout
    out = set()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Serial Number:"):
            raw = line.split(":", 1)[1].strip().lower()
            if len(raw) % 2:
                raw = "0" + raw
            out.add(":".join(raw[i:i + 2] for i in range(0, len(raw), 2)))
    return out


def org_hcl(label="acme", name="acme", domains=("acme.example",), extra=""):
    domain_list = ", ".join(f'"{d}"' for d in domains)
    return textwrap.dedent(f"""
    resource "sarga_org_intermediate" "{label}" {{
      backend               = "openbao"
      name                  = "{name}"
      common_name           = "{name.capitalize()} Intermediate CA"
      root_mount            = "pki_root"
      ttl                   = "720h"
      renew_before          = "24h"
      max_path_length       = 0
      permitted_dns_domains = [{domain_list}]
    {textwrap.indent(textwrap.dedent(extra), "  ")}
    }}
    """)
