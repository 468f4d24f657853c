#!/usr/bin/env bash
# `ralph run -a anthropic` and `-a openai` against the scripted model server,
# configured through a ralph.toml in the workdir: two iterations to the
# completion promise, token totals equal to what the server sent, cost
# computed from the price table; a 429 with retry-after on the way is retried.
set -euo pipefail
: "${RALPH_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
source "$RALPH_SOURCE_DIR/tests/e2e/lib.sh"
e2e_init http_agents

command -v python3 >/dev/null 2>&1 || skip "python3 not found (the model server needs it)"
: "${RALPH_BIN:?set by ctest}"
[ -x "$RALPH_BIN" ] || die "RALPH_BIN=$RALPH_BIN is not an executable"
unset ANTHROPIC_API_KEY OPENAI_API_KEY ANTHROPIC_BASE_URL OPENAI_BASE_URL

scenario() { # $1: file
  cat > "$1" <<'JSON'
{"turns": [
  {"text": "Started the work; more to do.", "usage": {"input": 900, "output": 40, "cache_read": 300, "cache_write": 0},
   "errors": [{"status": 429, "retry_after": 1, "times": 1}]},
  {"text": "All done.\nLOOP_COMPLETE", "usage": {"input": 950, "output": 25, "cache_read": 600, "cache_write": 0}}
]}
JSON
}

# run_agent KIND MODEL BASE_SUFFIX: one ralph run; sets $out, $rc, $w.
run_agent() {
  local kind=$1 model=$2 suffix=$3
  w="$T/work-$kind"
  mkdir -p "$w"
  printf 'Do the task. Print LOOP_COMPLETE on its own line when done.\n' > "$w/PROMPT.md"
  scenario "$T/scenario-$kind.json"
  start_model_server "$T/scenario-$kind.json" "$w" "server-$kind"
  printf '[agents.%s]\nkind = "%s"\nbase_url = "%s%s"\n' "$kind" "$kind" "$MODEL_URL" "$suffix" > "$w/ralph.toml"
  e2e_log "$T/ralph-$kind.err" "$T/state-$kind/tasks"
  out=$(cd "$w" && "$RALPH_BIN" --state-dir "$T/state-$kind" run -a "$kind" -m "$model" --workdir "$w" \
          --max-iterations 5 --no-git --json 2> "$T/ralph-$kind.err") && rc=0 || rc=$?
  echo "$out" > "$T/ralph-$kind.json"; e2e_log "$T/ralph-$kind.json"
  python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out" 2>/dev/null || die "$kind: --json printed no JSON: $out"
}

# check KIND PRICE_EXPR: PRICE_EXPR is Python over i, o, r, w (tokens) giving USD.
check() {
  local kind=$1 price=$2
  expect_eq "$kind: exits 0" "$rc" 0
  expect_eq "$kind: completed in 2 iterations" "$(jq_ 'd["reason"], d["iterations"]' <<<"$out")" "('completed', 2)"
  local s_in s_out s_cr s_cw
  s_in=$(model_usage_sum "$MODEL_LOG" input); s_out=$(model_usage_sum "$MODEL_LOG" output)
  s_cr=$(model_usage_sum "$MODEL_LOG" cache_read); s_cw=$(model_usage_sum "$MODEL_LOG" cache_write)
  expect_eq "$kind: server sent 1850/65/900/0" "$s_in/$s_out/$s_cr/$s_cw" "1850/65/900/0"
  expect_eq "$kind: token totals equal what the server sent" \
    "$(jq_ '"/".join(str(d["tokens"][k]) for k in ("input", "output", "cache_read", "cache_write"))' <<<"$out")" \
    "$s_in/$s_out/$s_cr/$s_cw"
  expect_eq "$kind: cost source computed" "$(jq_ 'd["cost_source"]' <<<"$out")" computed
  local want
  want=$(python3 -c "i,o,r,w=map(int,'$s_in $s_out $s_cr $s_cw'.split()); print(repr($price))")
  expect_near "$kind: cost is the price table's" "$(jq_ 'd["cost_usd"]' <<<"$out")" "$want"
  expect_eq "$kind: the 429 was retried within the iteration" \
    "$(python3 -c 'import json,sys; print(",".join(str(json.loads(l)["status"]) for l in open(sys.argv[1])))' "$MODEL_LOG")" \
    "429,200,200"
  local id
  id=$(jq_ 'd["id"]' <<<"$out")
  grep -q -e "event: message_stop" -e "data: \[DONE\]" "$T/state-$kind/tasks/$id/iter-0002.log" && pass "$kind: raw stream kept in the iteration log" \
    || fail "$kind: raw stream kept in the iteration log"
}

run_agent anthropic claude-sonnet-4-5 ""
check anthropic "(i*3 + o*15 + r*0.30 + w*3.75) / 1e6"
expect_eq "anthropic: no key needed on loopback; dummy sent as x-api-key" \
  "$(python3 -c 'import json,sys; print({json.loads(l)["auth"] for l in open(sys.argv[1])})' "$MODEL_LOG")" "{'x-api-key'}"

run_agent openai gpt-5 "/v1"
check openai "(i*1.25 + r*0.125 + o*10) / 1e6"
expect_eq "openai: Bearer auth and include_usage" \
  "$(python3 -c 'import json,sys; print({(json.loads(l)["auth"], json.loads(l)["include_usage"]) for l in open(sys.argv[1])})' "$MODEL_LOG")" \
  "{('bearer', True)}"

e2e_finish
