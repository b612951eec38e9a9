#!/usr/bin/env bash
# Prints the path of a pinned OpenTofu binary: from PATH when the version matches, else built
# once from the Go module proxy and cached outside the checkout.
set -euo pipefail
TOFU_VERSION=1.12.6
cache="${SARGA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sarga}/tools/tofu-$TOFU_VERSION"
if command -v tofu >/dev/null 2>&1 && tofu version 2>/dev/null | grep -qx "OpenTofu v$TOFU_VERSION"; then
  command -v tofu; exit 0
fi
if [ -x "$cache/tofu" ]; then echo "$cache/tofu"; exit 0; fi
command -v go >/dev/null || { echo "get-tofu: Go is needed to build OpenTofu $TOFU_VERSION" >&2; exit 1; }
mkdir -p "$cache"
echo "get-tofu: building OpenTofu $TOFU_VERSION from the Go module proxy (once; cached in $cache)" >&2
dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "get-tofu: module download failed" >&2; exit 1; }
(cd "$dir" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'" -o "$cache/tofu.tmp" ./cmd/tofu) >&2
mv "$cache/tofu.tmp" "$cache/tofu"
echo "$cache/tofu"
