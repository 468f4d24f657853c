#!/usr/bin/env bash
# The real Claude Code CLI driven by `ralph run` against the scripted model
# server: two iterations write files through Claude's Write tool, the third
# prints the completion promise. Token totals must equal what the server sent,
# and the cost must equal what Claude Code reported in its result lines.
# E2E_CLAUDE_DIRECT=1 runs the same scenario with `claude -p` alone (no ralph),
# to check the server/CLI contract by itself.
set -euo pipefail
: "${RALPH_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
source "$RALPH_SOURCE_DIR/tests/e2e/lib.sh"
e2e_init claude_code

command -v python3 >/dev/null 2>&1 || skip "python3 not found (the model server needs it)"
require_tool git
require_tool claude
direct=${E2E_CLAUDE_DIRECT:-0}
if [ "$direct" != 1 ]; then
  : "${RALPH_BIN:?set by ctest}"
  [ -x "$RALPH_BIN" ] || die "RALPH_BIN=$RALPH_BIN is not an executable"
fi

w="$T/work"
new_git_workdir "$w"
printf 'Follow the plan in notes/. When every step is done, print LOOP_COMPLETE on its own line.\n' > "$w/PROMPT.md"
git -C "$w" add -A && git -C "$w" commit -qm init

cat > "$T/scenario.json" <<'JSON'
{"turns": [
  {"tool": {"name": "Write", "input": {"file_path": "{{workdir}}/notes/step1.txt", "content": "step one\n"}},
   "usage": {"input": 1200, "output": 80, "cache_read": 9000, "cache_write": 400},
   "after_tool": "Wrote notes/step1.txt.",
   "after_tool_usage": {"input": 150, "output": 20, "cache_read": 10200, "cache_write": 120}},
  {"tool": {"name": "Write", "input": {"file_path": "{{workdir}}/notes/step2.txt", "content": "step two\n"}},
   "usage": {"input": 1300, "output": 90, "cache_read": 9100, "cache_write": 410},
   "after_tool": "Wrote notes/step2.txt.",
   "after_tool_usage": {"input": 160, "output": 25, "cache_read": 10300, "cache_write": 130}},
  {"text": "Both steps are written.\nLOOP_COMPLETE",
   "usage": {"input": 1400, "output": 30, "cache_read": 9200, "cache_write": 0}}
]}
JSON
start_model_server "$T/scenario.json" "$w"

export ANTHROPIC_BASE_URL="$MODEL_URL" ANTHROPIC_API_KEY=dummy-e2e-key
export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1
export CLAUDE_CONFIG_DIR="$T/claude-config"
mkdir -p "$CLAUDE_CONFIG_DIR"
unset ANTHROPIC_AUTH_TOKEN ANTHROPIC_MODEL CLAUDE_CODE_USE_BEDROCK CLAUDE_CODE_USE_VERTEX

state="$T/state"
e2e_log "$T/ralph.err" "$state/tasks"
if [ "$direct" = 1 ]; then
  mkdir -p "$state/tasks/direct"
  for n in 1 2 3; do
    (cd "$w" && claude -p --output-format stream-json --verbose --permission-mode acceptEdits \
       --model claude-sonnet-4-5 < PROMPT.md > "$state/tasks/direct/iter-000$n.log" 2>> "$T/ralph.err") \
      || die "claude -p failed in iteration $n"
  done
  id=direct
else
  out=$("$RALPH_BIN" --state-dir "$state" run -a claude -m claude-sonnet-4-5 --workdir "$w" \
          --max-iterations 6 --json 2> "$T/ralph.err") && rc=0 || rc=$?
  echo "$out" > "$T/ralph.json"; e2e_log "$T/ralph.json"
  expect_eq "ralph run exits 0" "$rc" 0
  python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out" 2>/dev/null || die "--json printed no JSON object: $out"
  id=$(jq_ 'd["id"]' <<<"$out")
  expect_eq "reason completed" "$(jq_ 'd["reason"]' <<<"$out")" completed
  expect_eq "state completed" "$(jq_ 'd["state"]' <<<"$out")" completed
  expect_eq "three iterations" "$(jq_ 'd["iterations"]' <<<"$out")" 3
  expect_eq "agent and model" "$(jq_ 'd["agent"], d["model"]' <<<"$out")" "('claude', 'claude-sonnet-4-5')"
fi

expect_file "iteration 1 wrote notes/step1.txt with the Write tool" "$w/notes/step1.txt" "step one"
expect_file "iteration 2 wrote notes/step2.txt with the Write tool" "$w/notes/step2.txt" "step two"
expect_eq "the server saw 5 loop calls (tool, follow-up, tool, follow-up, text)" \
  "$(python3 -c 'import json,sys; print(",".join(json.loads(l)["kind"] for l in open(sys.argv[1])))' "$MODEL_LOG")" \
  "main,after_tool,main,after_tool,main"

# What Claude Code reported: the result line of each iteration's log.
reported=$(python3 - "$state/tasks/$id" <<'PY'
import glob, json, sys
cost, n, usage = 0.0, 0, {"input_tokens": 0, "output_tokens": 0, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}
for path in sorted(glob.glob(sys.argv[1] + "/iter-*.log")):
    result = None
    for line in open(path, errors="replace"):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("type") == "result":
            result = obj
    if result is not None:
        n += 1
        cost += result["total_cost_usd"]
        for k in usage:
            usage[k] += result["usage"].get(k, 0)
print(n, repr(cost), usage["input_tokens"], usage["output_tokens"], usage["cache_read_input_tokens"],
      usage["cache_creation_input_tokens"])
PY
)
read -r n_results claude_cost c_in c_out c_cr c_cw <<<"$reported"
expect_eq "every iteration log has a result line" "$n_results" 3

s_in=$(model_usage_sum "$MODEL_LOG" input); s_out=$(model_usage_sum "$MODEL_LOG" output)
s_cr=$(model_usage_sum "$MODEL_LOG" cache_read); s_cw=$(model_usage_sum "$MODEL_LOG" cache_write)
expect_eq "Claude Code's usage equals what the server sent" "$c_in $c_out $c_cr $c_cw" "$s_in $s_out $s_cr $s_cw"
list_price=$(python3 -c 'import sys; i,o,r,w=map(int,sys.argv[1:]); print(repr((i*3+o*15+r*0.30+w*3.75)/1e6))' \
  "$s_in" "$s_out" "$s_cr" "$s_cw")
expect_near "Claude Code's cost is the sonnet-4-5 list price of those tokens" "$claude_cost" "$list_price"

if [ "$direct" != 1 ]; then
  expect_eq "ralph's token totals equal what the server sent" \
    "$(jq_ '" ".join(str(d["tokens"][k]) for k in ("input", "output", "cache_read", "cache_write"))' <<<"$out")" \
    "$s_in $s_out $s_cr $s_cw"
  expect_near "ralph's cost is the sum of Claude Code's total_cost_usd" "$(jq_ 'd["cost_usd"]' <<<"$out")" "$claude_cost"
  expect_eq "cost source reported" "$(jq_ 'd["cost_source"]' <<<"$out")" reported
  # The checkpointer skips clean trees, so iteration 3 (text only) may add no commit.
  for n in 1 2; do
    sha=$(git -C "$w" log --format='%H %s' | awk -v s="ralph: task $id iteration $n" '{h = $1; $1 = ""; if (substr($0, 2) == s) print h}')
    if [ -n "$sha" ] && git -C "$w" show --name-only --format= "$sha" | grep -qx "notes/step$n.txt"; then
      pass "checkpoint commit of iteration $n holds notes/step$n.txt"
    else
      fail "checkpoint commit of iteration $n holds notes/step$n.txt" "$(git -C "$w" log --stat | head -40)"
    fi
  done
  expect_eq "the work tree is clean after the run" "$(git -C "$w" status --porcelain)" ""
fi
e2e_finish
