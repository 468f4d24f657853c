#!/usr/bin/env bash
# The README's first command: install what building needs, build ralph, and
# run a real loop on the embedded SQLite store with the local example agent
# (examples/fizzbuzz: no API key, no network). The example is copied to a
# fresh git repository so its checkpoints never touch this checkout.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/quickstart.sh [--help]

Installs build dependencies (scripts/install-deps.sh --no-agents), builds the
release preset, and runs `ralph run` on a copy of examples/fizzbuzz in a
temporary directory, with its own state directory. Prints where both are.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") ;; *) usage >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --no-agents
cmake --preset release -S "$root" >/dev/null
cmake --build --preset release >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/ralph-quickstart.XXXXXX")
cp -r "$root/examples/fizzbuzz/." "$work/"
git -C "$work" init -q
git -C "$work" -c user.name=ralph -c user.email=ralph@localhost add -A
git -C "$work" -c user.name=ralph -c user.email=ralph@localhost commit -qm "fizzbuzz example: start"

echo "ralph quick start: running the loop in $work" >&2
status=0
"$root/build/release/cli/ralph" --state-dir "$work.state" run --workdir "$work" || status=$?
echo "ralph quick start: git log of the checkpoints:" >&2
git -C "$work" log --oneline >&2
echo "ralph quick start: status: $root/build/release/cli/ralph --state-dir $work.state status --iterations" >&2
exit "$status"
