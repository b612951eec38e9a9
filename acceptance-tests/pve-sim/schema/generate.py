#!/usr/bin/env python3
"""Writes data/pve-api-schema.json from the Proxmox VE API dump (apidata.json).

The output keeps what request validation needs (paths, methods, handler names,
permissions, protected/proxyto/allowtoken, parameter schemas) and drops what it does not
(descriptions, typetext, return schemas). One endpoint per line keeps diffs readable.

PVE's API dump folds indexed parameters (net0, net1, ...) into one key "net[n]"; the real
server knows every index. Each folded key gets "index_max": the highest index PVE accepts,
from the "(n is 0 to N)" in its description or, where the description has none, from the
constants in qemu-server / pve-container / pve-cluster (table below).

Usage: generate.py [--apidata PATH] [--out PATH]   (defaults: ../shared beside the checkout)
"""
import argparse
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_APIDATA = os.path.join(REPO, "..", "shared", "pve", "apidata.json")
DEFAULT_OUT = os.path.join(HERE, "data", "pve-api-schema.json")

# Highest index per folded family where the description does not say it.
# qemu-server: MAX_NETS 32, MAX_HOSTPCI_DEVICES 16, MAX_NUMA 8, MAX_UNUSED_DISKS 256,
# MAX_USB_DEVICES 14, MAX_VIRTIOFS 10; pve-container: MAX_LXC_NETWORKS 32, MAX_MOUNT_POINTS 256,
# MAX_DEVICES 256, MAX_UNUSED_DISKS 256; pve-manager ACME: MAX_DOMAINS 5.
INDEX_MAX = {
    "net": 31,
    "ipconfig": 31,
    "hostpci": 15,
    "numa": 7,
    "unused": 255,
    "usb": 13,  # the description says "0 to 4 ... can be up to 14": the schema has usb0..usb13
    "virtiofs": 9,
    "mp": 255,
    "dev": 255,
    "acmedomain": 4,
}
DESCRIPTION_RANGE = re.compile(r"\(n is 0 to (\d+)|link0\.\.link(\d+)")

DROP_KEYS = {"description", "verbose_description", "typetext", "format_description", "title"}


def strip(schema):
    if isinstance(schema, dict):
        return {k: strip(v) for k, v in schema.items() if k not in DROP_KEYS}
    if isinstance(schema, list):
        return [strip(v) for v in schema]
    return schema


def index_max(name, prop, where):
    family = name[: -len("[n]")]
    if family in INDEX_MAX:
        return INDEX_MAX[family]
    m = DESCRIPTION_RANGE.search(prop.get("description", ""))
    if m:
        return int(m.group(1) or m.group(2))
    sys.exit(f"generate.py: {where}: no index range known for '{name}'; add it to INDEX_MAX")


def convert_parameters(params, where):
    out = {}
    if "additionalProperties" in params:
        out["additionalProperties"] = params["additionalProperties"]
    props = {}
    for name, prop in (params.get("properties") or {}).items():
        conv = strip(prop)
        if name.endswith("[n]"):
            conv["index_max"] = index_max(name, prop, f"{where} parameter {name}")
        props[name] = conv
    out["properties"] = props
    return out


def endpoints(tree):
    for node in tree:
        for method, info in sorted((node.get("info") or {}).items()):
            where = f"{method} {node['path']}"
            ep = {
                "path": node["path"],
                "method": method,
                "name": info.get("name", ""),
                "protected": int(bool(info.get("protected", 0))),
                "allowtoken": int(bool(info.get("allowtoken", 1))),
                "parameters": convert_parameters(info.get("parameters") or {}, where),
            }
            if info.get("proxyto"):
                ep["proxyto"] = info["proxyto"]
            if info.get("permissions") is not None:
                ep["permissions"] = info["permissions"]
            yield ep
        yield from endpoints(node.get("children") or [])


def render(raw):
    tree = json.loads(raw)
    eps = sorted(endpoints(tree), key=lambda e: (e["path"], e["method"]))
    lines = [json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for e in eps]
    header = {
        "generator": "acceptance-tests/pve-sim/schema/generate.py",
        "source": "shared/pve/apidata.json (Proxmox VE 9.1 API viewer data)",
        "source_sha256": hashlib.sha256(raw).hexdigest(),
    }
    return ('{"about":' + json.dumps(header, sort_keys=True, separators=(",", ":")) +
            ',\n"endpoints":[\n' + ",\n".join(lines) + "\n]}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--apidata", default=DEFAULT_APIDATA)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    try:
        with open(args.apidata, "rb") as f:
            raw = f.read()
    except OSError as e:
        sys.exit(f"generate.py: cannot read {args.apidata}: {e.strerror}")
    text = render(raw)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"generate.py: wrote {args.out} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
