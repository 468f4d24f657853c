#!/usr/bin/env bash
# ralph run end to end with scripted `command` agents: completion, token
# totals, git checkpoints, every budget with its reason and exit code, a hung
# agent whose whole process group is stopped, and bad input.
set -euo pipefail
: "${RALPH_BIN:?set by ctest}" "${RALPH_SOURCE_DIR:?set by ctest}"

T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0; passes=0
pass() { passes=$((passes + 1)); echo "ok   - $1"; }
fail() { fails=$((fails + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2"; return 0; }
expect_eq() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected [$3], got [$2]"; fi; }
jq_() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }

# A fresh git workdir with a prompt, and an agent script written into it.
new_workdir() {
  local w="$T/$1"; mkdir -p "$w"; git -C "$w" init -q
  git -C "$w" config user.name test; git -C "$w" config user.email test@localhost
  printf 'Make the files. Print LOOP_COMPLETE on its own line when done.\n' > "$w/PROMPT.md"
  git -C "$w" add -A; git -C "$w" commit -qm init
  echo "$w"
}
agent_script() { cat > "$1/agent.sh"; chmod +x "$1/agent.sh"; }
ralph() { "$RALPH_BIN" --state-dir "$T/state" "$@"; }
# Running, as opposed to gone or a zombie that init has yet to reap (waits 1 s).
running() {
  local state
  for _ in $(seq 20); do
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    case "$state" in Z|X|"") return 1 ;; esac
    sleep 0.05
  done
  return 0
}
toml() { printf '[agents.fake]\nkind = "command"\ncommand = ["./agent.sh"]\nreports_usage = %s\n' "${2:-true}" > "$1/ralph.toml"; }

# --- completion, totals and checkpoints -----------------------------------
w=$(new_workdir complete)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null
n=$(( $(ls step*.txt 2>/dev/null | wc -l) + 1 ))
echo "step $n" > "step$n.txt"
echo "wrote step$n.txt"
[ "$n" -ge 3 ] && echo "LOOP_COMPLETE"
printf '{"type":"usage","input_tokens":%d,"output_tokens":%d,"cache_read_tokens":%d,"cost_usd":%s}\n' $((n*100)) $((n*10)) $((n*5)) "0.0$n"
AGENT
toml "$w"
out=$(ralph run -a fake --workdir "$w" --json --quiet) && rc=0 || rc=$?
expect_eq "completed run exits 0" "$rc" 0
expect_eq "reason completed" "$(jq_ 'd["reason"]' <<<"$out")" completed
expect_eq "three iterations" "$(jq_ 'd["iterations"]' <<<"$out")" 3
expect_eq "input tokens are the sum the agent reported" "$(jq_ 'd["tokens"]["input"]' <<<"$out")" 600
expect_eq "output tokens" "$(jq_ 'd["tokens"]["output"]' <<<"$out")" 60
expect_eq "cache read tokens" "$(jq_ 'd["tokens"]["cache_read"]' <<<"$out")" 30
expect_eq "cost is the reported sum" "$(jq_ 'round(d["cost_usd"], 6)' <<<"$out")" 0.06
expect_eq "cost source reported" "$(jq_ 'd["cost_source"]' <<<"$out")" reported
expect_eq "files written" "$(cat "$w/step1.txt" "$w/step3.txt" | tr '\n' ,)" "step 1,step 3,"
id=$(jq_ 'd["id"]' <<<"$out")
commits=$(git -C "$w" log --format=%s | grep -c "^ralph: task $id iteration" || true)
expect_eq "a checkpoint commit per iteration" "$commits" 3
expect_eq "the last checkpoint names the stop" "$(git -C "$w" log -1 --format=%s)" "ralph: task $id iteration 3"
status=$(ralph status "$id" --json)
expect_eq "status --json agrees" "$(jq_ 'd["iterations"], d["state"], d["agent"]' <<<"$status")" "(3, 'completed', 'fake')"
[ -s "$T/state/tasks/$id/iter-0001.log" ] && pass "iteration log kept" || fail "iteration log kept"
grep -q "Make the files" "$T/state/tasks/$id/prompt-0002.md" && pass "prompt archived" || fail "prompt archived"
perm=$(stat -c %a "$T/state/ralph.db"); expect_eq "store file is private" "$perm" 600
perm=$(stat -c %a "$T/state"); expect_eq "state dir is private" "$perm" 700

# --- budgets ---------------------------------------------------------------
w=$(new_workdir budgets)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null
echo "working"
printf '{"type":"usage","input_tokens":1000,"output_tokens":100,"cost_usd":0.5}\n'
AGENT
toml "$w"
ralph run -a fake --workdir "$w" --no-git --max-iterations 2 --quiet && rc=0 || rc=$?
expect_eq "max_iterations exits 3" "$rc" 3
expect_eq "max_iterations reason" "$(ralph status --json | jq_ 'd["reason"], d["iterations"]')" "('max_iterations', 2)"
ralph run -a fake --workdir "$w" --no-git --max-tokens 2500 --quiet && rc=0 || rc=$?
expect_eq "max_tokens exits 3" "$rc" 3
expect_eq "max_tokens after 3 iterations" "$(ralph status --json | jq_ 'd["reason"], d["iterations"]')" "('max_tokens', 3)"
ralph run -a fake --workdir "$w" --no-git --max-cost 1.2 --quiet && rc=0 || rc=$?
expect_eq "max_cost exits 3" "$rc" 3
expect_eq "max_cost reason" "$(ralph status --json | jq_ 'd["reason"]')" max_cost

# Tokens mid-iteration: usage streams past the budget and the agent is stopped.
w=$(new_workdir midstream)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
  printf '{"type":"usage","input_tokens":%d,"output_tokens":0}\n' $((i * 1000))
  sleep 0.2
done
echo "finished a whole iteration" > finished.txt
AGENT
toml "$w"
start=$(date +%s%N)
ralph run -a fake --workdir "$w" --no-git --max-tokens 3000 --quiet && rc=0 || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "mid-iteration max_tokens exits 3" "$rc" 3
[ ! -e "$w/finished.txt" ] && pass "agent stopped mid-iteration (${ms} ms)" || fail "agent stopped mid-iteration"
expect_eq "recorded tokens are what streamed until the stop" "$(ralph status --json | jq_ 'd["tokens"]["input"]')" 3000

# A hung agent with a grandchild is stopped by max-runtime, group and all.
w=$(new_workdir hung)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
trap '' TERM
cat > /dev/null
sleep 1000 &
echo $! > grandchild.pid
echo $$ > agent.pid
printf '{"type":"usage","input_tokens":1,"output_tokens":1}\n'
sleep 1000
AGENT
toml "$w"
start=$(date +%s%N)
ralph run -a fake --workdir "$w" --no-git --max-runtime 2s --set loop.kill_grace=1s --quiet && rc=0 || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "hung agent: max_runtime exits 3" "$rc" 3
expect_eq "hung agent: reason" "$(ralph status --json | jq_ 'd["reason"]')" max_runtime
[ "$ms" -lt 6000 ] && pass "stopped within the runtime plus the grace (${ms} ms)" || fail "stopped in time (${ms} ms)"
alive=""
for f in agent.pid grandchild.pid; do
  pid=$(cat "$w/$f" 2>/dev/null || echo 0)
  [ "$pid" -gt 0 ] && running "$pid" && alive="$alive $f:$pid"
done
expect_eq "no process of the agent's group remains" "$alive" ""

# --- failures --------------------------------------------------------------
w=$(new_workdir failing)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null; echo "boom" >&2; exit 1
AGENT
toml "$w"
ralph run -a fake --workdir "$w" --no-git --max-consecutive-failures 2 --set loop.backoff_base=10ms --quiet && rc=0 || rc=$?
expect_eq "consecutive failures exit 4" "$rc" 4
w=$(new_workdir looping)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null; echo "I am stuck"; printf '{"type":"usage","input_tokens":1,"output_tokens":1}\n'
AGENT
toml "$w"
ralph run -a fake --workdir "$w" --no-git --quiet && rc=0 || rc=$?
expect_eq "loop detection exits 4" "$rc" 4
expect_eq "loop detected after 3 identical outputs" "$(ralph status --json | jq_ 'd["reason"], d["iterations"]')" "('loop_detected', 3)"

# SIGINT: the loop is cancelled cleanly, the agent stopped, exit 130.
w=$(new_workdir interrupted)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null; echo $$ > agent.pid; sleep 1000
AGENT
toml "$w" false
"$RALPH_BIN" --state-dir "$T/state" run -a fake --workdir "$w" --no-git --quiet & rpid=$!
for _ in $(seq 50); do [ -s "$w/agent.pid" ] && break; sleep 0.1; done
kill -INT "$rpid"; wait "$rpid" && rc=0 || rc=$?
expect_eq "SIGINT exits 130" "$rc" 130
expect_eq "interrupted task is recorded cancelled" "$(ralph status --json | jq_ 'd["state"]')" cancelled
running "$(cat "$w/agent.pid")" && fail "agent stopped on SIGINT" || pass "agent stopped on SIGINT"

# --- secrets ---------------------------------------------------------------
w=$(new_workdir secrets)
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null
echo "my key is $ANTHROPIC_API_KEY"
echo "stderr key $ANTHROPIC_API_KEY" >&2
exit 1
AGENT
toml "$w" false
key="sk-ant-api03-e2eSECRETvalue-0123456789abcdef"
ANTHROPIC_API_KEY="$key" ralph run -a fake --workdir "$w" --no-git --max-consecutive-failures 1 --quiet 2>"$T/secret.err" && rc=0 || rc=$?
id=$(ralph status --json | jq_ 'd["id"]')
leaks=$(grep -rl "e2eSECRETvalue" "$T/state/tasks/$id" "$T/secret.err" 2>/dev/null || true)
leaks+=$(ralph status "$id" --json --iterations | grep -c "e2eSECRETvalue" || true)
leaks+=$(sqlite3 "$T/state/ralph.db" "select excerpt from iterations; select error from tasks; select data from events" 2>/dev/null | grep -c "e2eSECRETvalue" || true)
expect_eq "an API key the agent prints is masked in logs, store, status and errors" "$leaks" "00"
grep -q "REDACTED" "$T/state/tasks/$id/iter-0001.log" && pass "the log says where it was masked" || fail "the log says where it was masked"

# --- bad input -------------------------------------------------------------
w=$(new_workdir badinput)
toml "$w" false
agent_script "$w" <<'AGENT'
#!/usr/bin/env bash
cat > /dev/null; echo hi
AGENT
err=$(ralph run -a fake --workdir "$w" --max-cost 5 2>&1) && rc=0 || rc=$?
expect_eq "cost budget on an unmetered agent exits 2" "$rc" 2
grep -q "cannot report token usage" <<<"$err" && pass "unmetered budget explained" || fail "unmetered budget explained" "$err"
err=$(ralph run -a nosuch --workdir "$w" 2>&1) && rc=0 || rc=$?
expect_eq "unknown agent exits 2" "$rc" 2
grep -q "unknown agent 'nosuch'" <<<"$err" && pass "unknown agent explained" || fail "unknown agent explained" "$err"
err=$(PATH=/usr/bin:/bin ralph run -a codex --workdir "$w" 2>&1) && rc=0 || rc=$?
if command -v codex >/dev/null; then pass "codex installed: not-installed case not applicable"; else
  expect_eq "agent not installed exits 2" "$rc" 2
  grep -q "not installed" <<<"$err" && pass "not installed explained" || fail "not installed explained" "$err"
fi
err=$(ralph run -a fake --workdir "$T/does-not-exist" 2>&1) && rc=0 || rc=$?
expect_eq "missing workdir exits 2" "$rc" 2
printf '[loop]\nmax_iterations = "ten"\n' > "$w/ralph.toml"
err=$(ralph run -a fake --workdir "$w" 2>&1) && rc=0 || rc=$?
expect_eq "bad config value exits 2" "$rc" 2
grep -q "ralph.toml:2:" <<<"$err" && pass "bad config names file:line" || fail "bad config names file:line" "$err"
err=$(ralph run --max-runtime soon --workdir "$w" 2>&1) && rc=0 || rc=$?
expect_eq "bad duration flag exits 2" "$rc" 2
err=$(ralph status 999999 2>&1) && rc=0 || rc=$?
expect_eq "unknown task exits 2" "$rc" 2
err=$(ralph frobnicate 2>&1) && rc=0 || rc=$?
expect_eq "unknown command exits 2" "$rc" 2

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
