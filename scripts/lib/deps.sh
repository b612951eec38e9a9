#!/usr/bin/env bash
# Installs everything sarga needs on Debian 12 and exports the tool paths:
# apt packages, a Go >= 1.26 toolchain (to build the pinned tofu), the pinned tofu, the
# pinned OpenBao server for the PKI tests, and a Python venv for the acceptance tests.
# Idempotent; tool builds are cached in $SARGA_CACHE (default ~/.cache/sarga), outside the
# checkout. Source it, don't run it.

SARGA_CACHE="${SARGA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sarga}"
export SARGA_CACHE
mkdir -p "$SARGA_CACHE"
_sarga_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

SARGA_APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates unzip
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libcurl4-openssl-dev libssl-dev libarchive-dev libacl1-dev liblz4-dev nlohmann-json3-dev libmsgpack-cxx-dev
  libyaml-cpp-dev libcpp-httplib-dev libcli11-dev libgtest-dev libgmock-dev
  libre2-dev libicu-dev libzstd-dev clang libclang-rt-14-dev
  mmdebstrap debootstrap zstd xz-utils xorriso genisoimage openssl
  qemu-system-x86 qemu-utils ovmf mtools fdisk e2fsprogs libext2fs-dev
  python3 python3-venv python3-pip
)

sarga_install_apt() {
  local missing=()
  local p
  for p in "${SARGA_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Debian 12's golang is 1.19; OpenTofu 1.12 needs Go 1.26. The Go toolchain is itself a
# module on the Go module proxy (golang.org/toolchain), so fetch it from there when needed.
SARGA_GO_VERSION=1.26.8
sarga_ensure_go() {
  if command -v go >/dev/null 2>&1; then
    local have
    have=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
    if [ -n "$have" ] && [ "$(printf '%s\n1.26\n' "$have" | sort -V | head -n1)" = "1.26" ]; then
      return 0
    fi
  fi
  local dir="$SARGA_CACHE/tools/go-$SARGA_GO_VERSION"
  if [ ! -x "$dir/bin/go" ]; then
    echo "deps: fetching Go $SARGA_GO_VERSION from the Go module proxy" >&2
    local zip="$SARGA_CACHE/tools/go.zip" tmp="$SARGA_CACHE/tools/go.tmp"
    mkdir -p "$SARGA_CACHE/tools"
    curl -fsSL -o "$zip" "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$SARGA_GO_VERSION.linux-amd64.zip"
    rm -rf "$tmp" && mkdir -p "$tmp" && unzip -q "$zip" -d "$tmp"
    chmod +x "$tmp"/golang.org/toolchain@*/bin/* "$tmp"/golang.org/toolchain@*/pkg/tool/*/*
    rm -rf "$dir" && mv "$tmp"/golang.org/toolchain@* "$dir" && rm -rf "$tmp" "$zip"
  fi
  export PATH="$dir/bin:$PATH"
  export GOTOOLCHAIN=local
}

sarga_ensure_venv() {
  local venv="$SARGA_CACHE/venv"
  local stamp="$venv/.sarga-requirements"
  local req="$_sarga_root/acceptance-tests/requirements.txt"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
  fi
  if ! cmp -s "$req" "$stamp"; then
    "$venv/bin/pip" install -q -r "$req" >&2
    cp "$req" "$stamp"
  fi
  export SARGA_PYTHON="$venv/bin/python"
}

sarga_deps() {
  sarga_install_apt
  sarga_ensure_venv
  sarga_ensure_go
  SARGA_TOFU="$("$_sarga_root/scripts/lib/get-tofu.sh")"
  export SARGA_TOFU
  # The real OpenBao server for the PKI tests (pinned; see get-bao.sh).
  SARGA_BAO="$("$_sarga_root/scripts/lib/get-bao.sh")"
  export SARGA_BAO
}
