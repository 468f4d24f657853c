#!/usr/bin/env bash
# The README's quick-start loop (examples/fizzbuzz), asserted: a real loop on
# the embedded store that needs no key and no network completes in four
# iterations, steered by the failing gate, with a checkpoint per iteration.
set -euo pipefail
: "${RALPH_BIN:?set by ctest}" "${RALPH_SOURCE_DIR:?set by ctest}"
T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0; passes=0
check() { if [ "$2" == "$3" ]; then passes=$((passes + 1)); echo "ok   - $1"; else fails=$((fails + 1)); echo "FAIL - $1: expected [$3], got [$2]"; fi; }
jq_() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }

w="$T/fizzbuzz"
cp -r "$RALPH_SOURCE_DIR/examples/fizzbuzz" "$w"
git -C "$w" init -q && git -C "$w" -c user.name=t -c user.email=t@l add -A && git -C "$w" -c user.name=t -c user.email=t@l commit -qm start
out=$("$RALPH_BIN" --state-dir "$T/state" run --workdir "$w" --json 2>"$T/stderr") && rc=0 || rc=$?
check "quick start exits 0" "$rc" 0
check "completed" "$(jq_ 'd["reason"]' <<<"$out")" completed
check "four iterations" "$(jq_ 'd["iterations"]' <<<"$out")" 4
check "the gate passes now" "$(cd "$w" && ./test.sh)" "fizzbuzz.sh is correct"
check "cost is unknown, not \$0" "$(jq_ 'd["cost_source"], d["cost_usd"]' <<<"$out")" "('unknown', None)"
id=$(jq_ 'd["id"]' <<<"$out")
check "checkpoints" "$(git -C "$w" log --format=%s | grep -c "^ralph: task $id iteration")" 4
grep -q "Fizz for multiples of 3" "$T/state/tasks/$id/iter-0002.log" && r=yes || r=no
check "the agent was steered by the gate output" "$r" yes
grep -q "gate failed" "$T/state/tasks/$id/prompt-0002.md" && r=yes || r=no
check "the failing gate's output went into the next prompt" "$r" yes
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
