#!/usr/bin/env bash
# Builds every libFuzzer target (clang, ASan + UBSan, all libraries instrumented) and runs
# each on its seed corpus for SARGA_FUZZ_SECONDS (default 20). A crash fails the run and
# its reproducer stays in the report folder. Writes a JUnit file that counts each target.
set -euo pipefail
reports="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${SARGA_BUILD_DIR:-$root/build}-fuzz"
seconds="${SARGA_FUZZ_SECONDS:-20}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSARGA_FUZZ=ON -DSARGA_TESTS=OFF >/dev/null
mapfile -t fuzzers < "$build/fuzzers.tsv"
[ ${#fuzzers[@]} -gt 0 ] || { echo "fuzz: no fuzz targets registered" >&2; exit 1; }
ninja -C "$build" -j "$(nproc)" $(printf '%s\n' "${fuzzers[@]}" | cut -f1)

xml="$reports/fuzz.xml"
failed=0
{
  echo '<testsuite name="fuzz">'
  for line in "${fuzzers[@]}"; do
    IFS=$'\t' read -r name exe corpus <<< "$line"
    work="$reports/fuzz-$name"
    mkdir -p "$work/corpus"
    [ -d "$corpus" ] && cp -r "$corpus/." "$work/corpus/"
    echo "fuzz: $name for ${seconds}s" >&2
    if (cd "$work" && "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
          -print_final_stats=1 corpus > log.txt 2>&1); then
      echo "  <testcase classname=\"fuzz\" name=\"$name\"/>"
    else
      failed=1
      tail -n 40 "$work/log.txt" >&2
      echo "  <testcase classname=\"fuzz\" name=\"$name\"><failure message=\"crashed; reproducer in $work\"/></testcase>"
    fi
  done
  echo '</testsuite>'
} > "$xml"
exit $failed
