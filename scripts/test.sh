#!/usr/bin/env bash
# The whole test suite: unit tests (ctest), fuzz smoke runs, docs freshness, and the
# acceptance tests that drive the real tofu, pve-sim, proxmoxer, curl and sarga-build.
# Installs what it needs first. Ends with one line: "tests: N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/deps.sh
source scripts/lib/build.sh
sarga_deps
sarga_build

reports="$SARGA_BUILD_DIR/test-reports"
rm -rf "$reports" && mkdir -p "$reports"
status=0

step() { printf '\n=== %s\n' "$*"; }

step "unit tests"
ctest --test-dir "$SARGA_BUILD_DIR" --output-on-failure -j "$(nproc)" \
  --output-junit "$reports/ctest.xml" || status=1

step "docs are generated from the current schema"
"$SARGA_BUILD_DIR/provider/terraform-provider-sarga" docs --check "$root/docs" || status=1

step "fuzz smoke runs"
scripts/lib/fuzz.sh "$reports" || status=1

step "acceptance tests"
"$SARGA_PYTHON" -m pytest -c acceptance-tests/pytest.ini --rootdir acceptance-tests \
  --junitxml "$reports/pytest.xml" acceptance-tests || status=1

"$SARGA_PYTHON" scripts/lib/summarize.py "$reports"/*.xml
exit $status
