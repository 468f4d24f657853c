#!/usr/bin/env bash
# Runs every benchmark against a release build and prints figures (medians).
# Benchmarks are not timed tests: CI checks correctness, these report numbers.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cmake --preset release -S "$root" >/dev/null
cmake --build --preset release >/dev/null
for bench in "$root"/tests/bench/*.sh; do
  [ "$(basename "$bench")" = run.sh ] && continue
  echo "== $(basename "$bench" .sh)"
  "$bench" "$root/build/release/cli/ralph"
done
