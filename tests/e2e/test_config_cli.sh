#!/usr/bin/env bash
# `ralph config show|check` as a user sees it: precedence across files,
# environment and flags, origins, masked secrets, and clear errors.
set -euo pipefail
: "${RALPH_BIN:?set by ctest}"
T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0; passes=0
ok() { passes=$((passes + 1)); echo "ok   - $1"; }
no() { fails=$((fails + 1)); echo "FAIL - $1"; printf '%s\n' "${2:-}" | sed 's/^/       /'; }
has() { if grep -qF -- "$3" <<<"$2"; then ok "$1"; else no "$1" "wanted: $3"$'\n'"$2"; fi; }
hasnt() { if grep -qF -- "$3" <<<"$2"; then no "$1" "unwanted: $3"$'\n'"$2"; else ok "$1"; fi; }

mkdir -p "$T/xdg/ralph" "$T/proj"
printf '[loop]\nmax_iterations = 7\nmax_cost = 2.5\n' > "$T/xdg/ralph/config.toml"
printf '[loop]\nmax_iterations = 9\n[agents.claude]\napi_key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"\n' > "$T/proj/ralph.toml"
run() { (cd "$T/proj" && env -i PATH="$PATH" HOME="$T/home" XDG_CONFIG_HOME="$T/xdg" "$@"); }

out=$(run "$RALPH_BIN" config show --origin)
has "./ralph.toml overrides XDG" "$out" "loop.max_iterations = 9"
has "origin names the file and line" "$out" "ralph.toml:2:"
has "XDG value kept where not overridden" "$out" "loop.max_cost = 2.5"
has "defaults say so" "$out" "# default"
hasnt "secret never printed" "$out" "abcdefghijklmnop"
has "secret masked" "$out" "agents.claude.api_key = \"****0123\""

out=$(run env RALPH_MAX_ITERATIONS=11 "$RALPH_BIN" config show --origin)
has "legacy env beats files" "$out" "loop.max_iterations = 11"
has "env origin" "$out" "environment RALPH_MAX_ITERATIONS"
out=$(run env RALPH_MAX_ITERATIONS=11 RALPH_LOOP_MAX_ITERATIONS=12 "$RALPH_BIN" config show)
has "precise env name beats the legacy one" "$out" "loop.max_iterations = 12"
out=$(run env RALPH_MAX_ITERATIONS=11 "$RALPH_BIN" --set loop.max_iterations=13 config show --origin)
has "flags beat env" "$out" "loop.max_iterations = 13"
has "flag origin" "$out" "flag --set"
printf '[loop]\nmax_iterations = 21\n' > "$T/extra.toml"
out=$(run env RALPH_CONFIG="$T/extra.toml" "$RALPH_BIN" config show)
has "RALPH_CONFIG file beats ./ralph.toml" "$out" "loop.max_iterations = 21"

printf '[loop]\nmax_cots = 3\n' > "$T/proj/ralph.toml"
err=$(run "$RALPH_BIN" config check 2>&1) && rc=0 || rc=$?
[ "$rc" -eq 2 ] && ok "unknown key exits 2" || no "unknown key exits 2" "rc=$rc"
has "unknown key at file:line:column with a suggestion" "$err" "ralph.toml:2:1: unknown key 'loop.max_cots' (did you mean 'loop.max_cost'?)"
printf '[loop\nmax_cost = 3\n' > "$T/proj/ralph.toml"
err=$(run "$RALPH_BIN" config check 2>&1) && rc=0 || rc=$?
[ "$rc" -eq 2 ] && ok "malformed TOML exits 2" || no "malformed TOML exits 2" "rc=$rc"
has "malformed TOML names the position" "$err" "ralph.toml:1:"
rm "$T/proj/ralph.toml"
err=$(run env RALPH_MAX_COST=lots "$RALPH_BIN" config check 2>&1) && rc=0 || rc=$?
has "bad env value is explained" "$err" "environment RALPH_MAX_COST: expected a number, got \"lots\""
out=$(run "$RALPH_BIN" config check)
has "a valid config checks ok" "$out" "configuration ok"
err=$(run "$RALPH_BIN" --config "$T/missing.toml" config show 2>&1) && rc=0 || rc=$?
[ "$rc" -eq 2 ] && ok "a missing --config file exits 2" || no "a missing --config file exits 2" "rc=$rc $err"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
