#!/usr/bin/env bash
# The main job on the embedded default: a local Proxmox VE simulator stands in for the
# cluster. Builds sarga, builds a hardened Debian 12 LXC template with sarga-build, audits
# it, publishes it to the simulator, then applies examples/homelab with the real tofu (VMs on
# three nodes in two VLANs, a GPU worker, an LXC from the published template), plans again
# (no changes) and destroys it. Everything it makes lives under $SARGA_DEMO_DIR (default:
# build/demo).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/deps.sh
source scripts/lib/build.sh
source scripts/lib/provider-mirror.sh
sarga_deps
sarga_build terraform-provider-sarga sarga-build pve-sim

demo="${SARGA_DEMO_DIR:-$SARGA_BUILD_DIR/demo}"
rm -rf "$demo" && mkdir -p "$demo"
step() { printf '\n==> %s\n' "$*"; }

step "starting pve-sim (3 nodes: pve1..pve3, storages local, local-lvm, nfs)"
token_id='root@pam!sarga'
secret="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$SARGA_BUILD_DIR/acceptance-tests/pve-sim/pve-sim" --listen 127.0.0.1:0 \
  --token "$token_id=$secret" --ready-file "$demo/pve-sim.ready" > "$demo/pve-sim.out" 2> "$demo/pve-sim.log" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -e "$demo/pve-sim.ready" ] && break
  kill -0 $sim_pid 2>/dev/null || { cat "$demo/pve-sim.log" >&2; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/^url: //p' "$demo/pve-sim.out")"
fingerprint="$(sed -n 's/^fingerprint: //p' "$demo/pve-sim.out")"
pin="$(sed -n 's/^pinnedpubkey: //p' "$demo/pve-sim.out")"
[ -n "$url" ] && [ -n "$fingerprint" ] || { echo "demo: pve-sim did not start" >&2; cat "$demo/pve-sim.log" >&2; exit 1; }
echo "pve-sim at $url (certificate $fingerprint)"

step "building the hardened Debian 12 LXC template (mmdebstrap minbase, cached after the first run)"
"$SARGA_BUILD_DIR/builder/sarga-build" build -force -output-dir "$demo/image" \
  examples/images/debian12-lxc-hardened.pkr.hcl
archive="$(find "$demo/image" -name '*.tar.zst' | head -n1)"

step "auditing it"
"$SARGA_BUILD_DIR/builder/sarga-build" audit --profile lxc-baseline "$archive"

step "publishing it to pve-sim (checksum-verified upload, keeps the 3 newest)"
PROXMOX_VE_API_TOKEN="$token_id=$secret" "$SARGA_BUILD_DIR/builder/sarga-build" build -force \
  -output-dir "$demo/publish" -var "archive=$archive" -var "pve_endpoint=${url%/api2/json}" \
  -var "pve_fingerprint=$fingerprint" examples/homelab/publish-template.pkr.hcl
# The simulator's certificate is self-signed: trust it by its pinned public key instead of a CA.
curl -fsS --insecure --pinnedpubkey "$pin" -H "Authorization: PVEAPIToken=$token_id=$secret" \
  "${url%/api2/json}/api2/json/nodes/pve1/storage/local/content?content=vztmpl" \
  | "$SARGA_PYTHON" -c 'import json,sys; [print("on pve1/local:", v["volid"], v["size"], "bytes") for v in json.load(sys.stdin)["data"]]'

step "applying examples/homelab with tofu (provider installed offline from a local mirror)"
sarga_provider_mirror "$demo/tofu"
work="$demo/tofu/work"
mkdir -p "$work" && cp examples/homelab/*.tf "$work/"
# The example reads its connection from these when its variables are left null.
export SARGA_PROXMOX_ENDPOINT="${url%/api2/json}" SARGA_PROXMOX_API_TOKEN="$token_id=$secret" \
  SARGA_PROXMOX_FINGERPRINT="$fingerprint"
tofu() { "$SARGA_TOFU" -chdir="$work" "$@"; }
tofu init -input=false -no-color >/dev/null
tofu apply -input=false -auto-approve -no-color
step "what pve-sim now runs (read per node: /cluster/resources lags like pvestatd)"
for node in pve1 pve2 pve3; do
  for kind in qemu lxc; do
    curl -fsS --insecure --pinnedpubkey "$pin" -H "Authorization: PVEAPIToken=$token_id=$secret" \
      "${url%/api2/json}/api2/json/nodes/$node/$kind" \
      | "$SARGA_PYTHON" -c 'import json,sys; node,kind=sys.argv[1:]; [print("%s/%-5s %-4s %-8s %s%s" % (node, g["vmid"], kind, g.get("status",""), g.get("name",""), " (template)" if g.get("template") else "")) for g in sorted(json.load(sys.stdin)["data"], key=lambda g: int(g["vmid"]))]' "$node" "$kind"
  done
done
step "planning again: nothing to change"
tofu plan -input=false -no-color -detailed-exitcode
step "destroying"
tofu destroy -input=false -auto-approve -no-color | tail -n 1

step "done: the template, its manifest and SBOM are in $demo/image"
ls -l "$demo/image"
