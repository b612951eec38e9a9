#!/usr/bin/env bash
# Builds every libFuzzer target with clang (ASan + UBSan) and runs each on its seed corpus
# for SARGA_FUZZ_SECONDS (default 30). A crash fails the run; the reproducer is kept in the
# report folder. Writes a JUnit file so the summary counts each target.
set -euo pipefail
reports="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${SARGA_BUILD_DIR:-$root/build}-fuzz"
seconds="${SARGA_FUZZ_SECONDS:-30}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSARGA_FUZZ=ON -DSARGA_TESTS=OFF >/dev/null
mapfile -t targets < <(find "$root" -path "$root/build*" -prune -o -path '*/fuzz/*_fuzz.cpp' -print | sort)
xml="$reports/fuzz.xml"
echo '<testsuite name="fuzz">' > "$xml"
failed=0
for src in "${targets[@]}"; do
  name="$(basename "$src" .cpp)"
  corpus="$(dirname "$src")/corpus/$name"
  [ -d "$corpus" ] || corpus="$(dirname "$src")/corpus"
  ninja -C "$build" -j "$(nproc)" "$name"
  exe="$(find "$build" -type f -name "$name" -perm -u+x | head -n1)"
  work="$reports/fuzz-$name"
  mkdir -p "$work/corpus"
  [ -d "$corpus" ] && cp -r "$corpus/." "$work/corpus/"
  echo "fuzz: $name for ${seconds}s"
  if (cd "$work" && "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 corpus > log.txt 2>&1); then
    echo "  <testcase classname=\"fuzz\" name=\"$name\"/>" >> "$xml"
  else
    failed=1
    tail -n 40 "$work/log.txt"
    echo "  <testcase classname=\"fuzz\" name=\"$name\"><failure message=\"crash, see $work\"/></testcase>" >> "$xml"
  fi
done
echo '</testsuite>' >> "$xml"
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no fuzz targets found" >&2; exit 1; }
exit $failed
