#!/usr/bin/env bash
# Runs shellcheck on every shell script of the project: the bash scripts in
# scripts/ (scripts/*.sh and any other file there with a sh/bash shebang, such
# as gen-config-example), tests/e2e/*.sh and tests/bench/*.sh. Any warning or
# error fails (shellcheck -S warning); info and style notes do not.
# Files without a shebang are libraries that suites source (lib.sh,
# daemon_lib.sh): they are checked as bash, without SC2034 ("appears unused"),
# since the variables they set are what the sourcing suites use.
# Without shellcheck the suite is skipped (exit 125), unless CI=true.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${RALPH_SOURCE_DIR:=$(cd "$here/../.." && pwd)}"
# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"
e2e_init shellcheck
if ! command -v shellcheck >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then die "shellcheck is not installed, and CI=true requires it (apt-get install shellcheck)"; fi
  skip "shellcheck is not installed (apt-get install shellcheck, or scripts/install-deps.sh)"
fi
echo "# $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
cd "$RALPH_SOURCE_DIR"

is_shell() { head -n 1 -- "$1" | grep -qE '^#!.*[/ ](ba|da)?sh([[:space:]]|$)'; }
scripts=() libraries=()
while IFS= read -r -d '' f; do
  f=${f#./}
  case "$f" in
    scripts/*) if is_shell "$f"; then scripts+=("$f"); fi ;;
    *.sh) if is_shell "$f"; then scripts+=("$f"); elif [ -s "$f" ]; then libraries+=("$f"); fi ;;
  esac
done < <(find scripts tests/e2e tests/bench -type f \( -path 'scripts/*' -o -name '*.sh' \) \
  ! -path 'tests/e2e/*/*' ! -path 'tests/bench/*/*' -print0 | sort -z)
[ "${#scripts[@]}" -gt 0 ] || die "found no scripts to check under $RALPH_SOURCE_DIR"
for want in scripts/backup.sh scripts/restore.sh scripts/maintenance.sh scripts/health-check.sh; do
  printf '%s\n' "${scripts[@]}" | grep -qx "$want" || fail "$want is among the checked scripts"
done

# -x follows the `# shellcheck source=` directives (paths from the source root).
rc=0
shellcheck -x -S warning -f gcc -- "${scripts[@]}" > "$T/scripts.out" 2>&1 || rc=$?
[ "$rc" -le 1 ] || die "shellcheck failed to run (exit $rc): $(head -n 5 "$T/scripts.out")"
rc=0
if [ "${#libraries[@]}" -gt 0 ]; then
  shellcheck -S warning -f gcc --shell=bash -e SC2034 -- "${libraries[@]}" > "$T/libraries.out" 2>&1 || rc=$?
else : > "$T/libraries.out"; fi
[ "$rc" -le 1 ] || die "shellcheck failed to run (exit $rc): $(head -n 5 "$T/libraries.out")"

for f in "${scripts[@]}" "${libraries[@]}"; do
  found=$(grep -h -- "^$f:" "$T/scripts.out" "$T/libraries.out" || true)
  if [ -z "$found" ]; then pass "$f"; else fail "$f" "$found"; fi
done
# Anything reported for a file not in the lists (a sourced file) counts too.
stray=$(cat "$T/scripts.out" "$T/libraries.out" | grep -v -F -f <(printf '%s:\n' "${scripts[@]}" "${libraries[@]}") || true)
if [ -n "$stray" ]; then fail "files reached through source" "$stray"; fi
e2e_finish
