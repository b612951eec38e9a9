#!/usr/bin/env bash
# Configures and builds sarga into $SARGA_BUILD_DIR (default: build/ in the checkout).
# Source it after deps.sh.
sarga_build() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  export SARGA_BUILD_DIR="${SARGA_BUILD_DIR:-$root/build}"
  export CCACHE_DIR="${CCACHE_DIR:-$SARGA_CACHE/ccache}"
  # Paths relative to the checkout, so a fresh clone elsewhere (CI) still hits the cache.
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  cmake -S "$root" -B "$SARGA_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${SARGA_BUILD_TYPE:-Release}" >/dev/null
  ninja -C "$SARGA_BUILD_DIR" -j "$(nproc)" "$@"
}
