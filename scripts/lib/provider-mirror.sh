#!/usr/bin/env bash
# Makes the freshly built provider installable offline: a filesystem mirror holding it and
# a tofu CLI config that uses only that mirror. Source it; then
#   sarga_provider_mirror DIR   # exports TF_CLI_CONFIG_FILE for tofu
sarga_provider_mirror() {
  local dir="$1" version="0.1.0"
  local plat="$dir/mirror/registry.opentofu.org/sarga/sarga/$version/linux_amd64"
  mkdir -p "$plat"
  cp "$SARGA_BUILD_DIR/provider/terraform-provider-sarga" "$plat/terraform-provider-sarga_v$version"
  cat > "$dir/tofu.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$dir/mirror"
    include = ["registry.opentofu.org/sarga/*"]
  }
}
CFG
  export TF_CLI_CONFIG_FILE="$dir/tofu.tfrc"
}
