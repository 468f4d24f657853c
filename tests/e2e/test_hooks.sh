#!/usr/bin/env bash
# Event hooks end to end: `ralph run` with scripted agents (task.completed
# with its JSON and environment and no secret, budget.warn at 50/75/90 % and
# budget.exhausted, task.failed, limit.wait, a hanging hook killed with its
# group at the timeout while the loop goes on, on_error = "fail"), and
# ralphd (task.completed, and instance.lost/failover when a restarted daemon
# takes back the tasks of the one killed with -9). Every run is a `hook`
# event in the store.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init hooks
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool sqlite3

A="$T/agents"
H="$T/hooks"
W="$T/w"
mkdir -p "$A" "$H" "$W"
printf 'Work. Print LOOP_COMPLETE on its own line when done.\n' > "$W/PROMPT.md"
write_agent "$A/finish.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo '{"type":"usage","input_tokens":100,"output_tokens":10,"cost_usd":0.01}'
echo LOOP_COMPLETE
SH
write_agent "$A/busy.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo "still working $RANDOM"
echo '{"type":"usage","input_tokens":100,"output_tokens":10,"cost_usd":0.01}'
SH
write_agent "$A/fail.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null; echo "broken" >&2; exit 1
SH
# A usage limit on the first call, then done: a fake Claude Code (kind
# "claude"), whose stderr says what failed; the command kind has no limits.
write_agent "$A/limited.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
if [ ! -f .limited ]; then touch .limited; echo "usage limit reached, try again in 1 seconds" >&2; exit 1; fi
echo '{"type":"result","subtype":"success","is_error":false,"result":"LOOP_COMPLETE","session_id":"s1","num_turns":1,"usage":{"input_tokens":10,"output_tokens":2},"total_cost_usd":0.001}'
SH
write_agent "$A/hang.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null; echo "hanging"; exec sleep 300
SH
# A hook that saves its stdin and its environment under $H/<name>.
write_agent "$H/record.sh" <<SH
#!/usr/bin/env bash
cat > "$H/\$1.json"
env > "$H/\$1.env"
echo "recorded \$RALPH_EVENT"
SH

# config [HOOKS_TOML…]: the agents plus a [hooks] table.
config() {
  {
    printf '[loop]\nagent = "finish"\nbackoff_base = "10ms"\nmax_consecutive_failures = 2\nloop_detect_repeats = 0\n'
    printf '[git]\nenabled = false\n[daemon]\nmax_concurrent = 2\npoll_interval = "200ms"\n'
    for a in finish busy fail hang; do
      printf '[agents.%s]\nkind = "command"\ncommand = ["%s/%s.sh"]\nreports_usage = true\n' "$a" "$A" "$a"
    done
    printf '[agents.limited]\nkind = "claude"\ncommand = ["%s/limited.sh"]\n' "$A"
    printf '[hooks]\n'
    printf '%s\n' "$@"
  } > "$CFG"
}
db() { sqlite3 "$STATE/ralph.db" "$1"; }
hook_events() { db "SELECT data FROM events WHERE task_id = $1 AND type = 'hook' ORDER BY id"; }
run_task() { ralph run -C "$W" --json --quiet "$@"; }

# --- task.completed from ralph run: JSON on stdin, key fields, no secrets ---
config "task_completed = [\"$H/record.sh completed\"]"
out=$(ANTHROPIC_API_KEY=sk-ant-e2e-secret-0123456789 RALPH_DAEMON_HTTP_TOKEN=tok-e2e-0123456789 \
  run_task -a finish) && rc=0 || rc=$?
expect_eq "run completes" "$rc" 0
id=$(jq_ 'd["id"]' <<<"$out")
expect_file "task.completed hook ran before ralph run exited" "$H/completed.json"
json=$(cat "$H/completed.json" 2>/dev/null || echo '{}')
expect_eq "stdin JSON: event" "$(jq_ 'd.get("event")' <<<"$json")" task.completed
expect_eq "stdin JSON: task id" "$(jq_ 'd.get("task_id")' <<<"$json")" "$id"
expect_eq "stdin JSON: stop reason" "$(jq_ 'd.get("stop_reason")' <<<"$json")" completed
expect_eq "stdin JSON: agent and queue" "$(jq_ 'd.get("agent"), d.get("queue")' <<<"$json")" "('finish', 'default')"
expect_eq "stdin JSON: usage" "$(jq_ 'd["usage"]["iterations"], d["usage"]["input_tokens"]' <<<"$json")" "(1, 100)"
env_text=$(cat "$H/completed.env" 2>/dev/null || true)
expect_contains "env: RALPH_EVENT" "$env_text" "RALPH_EVENT=task.completed"
expect_contains "env: RALPH_TASK_ID" "$env_text" "RALPH_TASK_ID=$id"
expect_contains "env: RALPH_STOP_REASON" "$env_text" "RALPH_STOP_REASON=completed"
expect_contains "env: RALPH_INSTANCE_ID (the run's owner)" "$env_text" "RALPH_INSTANCE_ID=run:"
for secret in ANTHROPIC_API_KEY sk-ant-e2e RALPH_DAEMON_HTTP_TOKEN tok-e2e; do
  [[ "$env_text" == *"$secret"* ]] && fail "no $secret in the hook's environment" || pass "no $secret in the hook's environment"
done
ev=$(hook_events "$id")
expect_eq "one hook event recorded" "$(wc -l <<<"$ev")" 1
expect_eq "hook event: event, ok, exit code, output" \
  "$(jq_ 'd["event"], d["ok"], d["exit_code"], d["output"], d["timed_out"]' <<<"$ev")" \
  "('task.completed', True, 0, 'recorded task.completed\\n', False)"

# --- budget.warn at 50/75/90 % of --max-iterations 4, then budget.exhausted ---
config "budget_warn = [\"echo \\\"\$RALPH_BUDGET \$RALPH_PERCENT\\\" >> $H/warn.txt\"]" \
  "budget_exhausted = [\"echo \\\"\$RALPH_STOP_REASON \$RALPH_EXIT_CODE\\\" >> $H/exhausted.txt\"]" \
  "task_completed = [\"touch $H/wrongly-completed\"]"
out=$(run_task -a busy --max-iterations 4) && rc=0 || rc=$?
expect_eq "budget run exits 3" "$rc" 3
expect_eq "budget.warn once per threshold" "$(sort -k2 -n "$H/warn.txt" 2>/dev/null | tr '\n' ,)" \
  "iterations 50,iterations 75,iterations 90,"
expect_file "budget.exhausted with its reason and exit code" "$H/exhausted.txt" "max_iterations 3"
[ -e "$H/wrongly-completed" ] && fail "no task.completed for a budget stop" || pass "no task.completed for a budget stop"
id=$(jq_ 'd["id"]' <<<"$out")
expect_eq "four hook events" "$(hook_events "$id" | wc -l)" 4

# --- task.failed ---
config "task_failed = [\"echo \\\"\$RALPH_STOP_REASON|\$RALPH_MESSAGE\\\" > $H/failed.txt\"]"
run_task -a fail >/dev/null && rc=0 || rc=$?
expect_eq "failing agent exits 4" "$rc" 4
expect_contains "task.failed hook with the stop reason" "$(cat "$H/failed.txt" 2>/dev/null)" "consecutive_failures|"

# --- limit.wait ---
config "limit_wait = [\"echo \\\"\$RALPH_MESSAGE\\\" > $H/limit.txt\"]"
(cd "$W" && rm -f .limited)
run_task -a limited >/dev/null && rc=0 || rc=$?
expect_eq "limited agent completes after the wait" "$rc" 0
expect_contains "limit.wait hook with the loop's message" "$(cat "$H/limit.txt" 2>/dev/null)" "usage limit: waiting"

# --- a hanging hook is killed with its group at the timeout; the loop goes on ---
config "timeout = \"1s\"" \
  "budget_warn = [\"sh -c 'trap \\\"\\\" TERM; echo \$\$ > $H/hang.pid; exec sleep 60' & wait\"]"
start=$(date +%s%N)
out=$(run_task -a busy --max-iterations 4 --cooldown 100ms) && rc=0 || rc=$?
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "loop with hanging hooks still ends on its budget" "$rc" 3
id=$(jq_ 'd["id"]' <<<"$out")
expect_eq "all four iterations ran" "$(jq_ 'd["iterations"]' <<<"$out")" 4
# Three hooks of up to 1 s + 1 s grace each, one after another, would be
# 6 s; in the background they overlap the loop.
[ "$took_ms" -lt 6000 ] && pass "hooks did not stall the loop (${took_ms} ms)" \
  || fail "hooks did not stall the loop" "took ${took_ms} ms"
expect_eq "three hook runs, each recorded as timed out" \
  "$(db "SELECT count(*), group_concat(DISTINCT json_extract(data, '\$.timed_out')) FROM events
         WHERE task_id = $id AND type = 'hook'")" "3|1"
hang_pid=$(cat "$H/hang.pid" 2>/dev/null || echo 0)
# SIGKILL takes effect when the target is next scheduled, and the orphaned
# grandchild is reaped by whoever adopted it: on a loaded machine it can
# linger a moment, as a zombie. Dead or zombie within 5 s counts as gone.
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
for _ in $(seq 50); do gone "$hang_pid" && break; sleep 0.1; done
if [ "$hang_pid" -gt 0 ] && gone "$hang_pid"; then
  pass "the hook's TERM-ignoring grandchild is gone"
else
  fail "the hook's TERM-ignoring grandchild is gone" "pid $hang_pid still runs"
  kill -9 "$hang_pid" 2>/dev/null || true
fi

# --- on_error = "fail": a failing budget.warn hook fails the task ---
config "on_error = \"fail\"" "budget_warn = [\"echo refused; exit 7\"]"
out=$(run_task -a busy --max-iterations 4 2>"$T/fail.err") && rc=0 || rc=$?
expect_eq "on_error=fail: exit code 1 (error)" "$rc" 1
expect_eq "on_error=fail: failed at the 50 % warning" "$(jq_ 'd["state"], d["reason"], d["iterations"]' <<<"$out")" \
  "('failed', 'error', 2)"
expect_contains "on_error=fail: the task's error names the hook" "$(jq_ 'd["error"]' <<<"$out")" \
  'hook budget.warn `echo refused; exit 7`: exit code 7'
config "budget_warn = [\"exit 7\"]"
run_task -a busy --max-iterations 4 >/dev/null 2>"$T/warn.err" && rc=0 || rc=$?
expect_eq "on_error=warn: the failing hook changes nothing" "$rc" 3
expect_contains "on_error=warn: logged as a warning" "$(cat "$T/warn.err")" 'warning: hook budget.warn `exit 7`: exit code 7'

# --- ralphd: task.completed, then instance.lost and failover after kill -9 ---
config "task_completed = [\"$H/record.sh daemon-completed\"]" "budget_warn = [\"true\"]" \
  "instance_lost = [\"$H/record.sh lost\"]" "failover = [\"$H/record.sh failover\"]"
start_daemon d1
progress=$(ralph submit -C "$W" -a busy --max-iterations 4 --cooldown 100ms --wait 2>&1 >/dev/null) || true
expect_contains "submit --wait prints the daemon's hook runs" "$progress" 'hook budget.warn `true`: ok'
out=$(ralph submit -C "$W" -a finish --wait --json) || true
id=$(jq_ 'd["id"]' <<<"$out")
for _ in $(seq 100); do [ -f "$H/daemon-completed.env" ] && break; sleep 0.05; done
expect_contains "ralphd ran task.completed" "$(cat "$H/daemon-completed.env" 2>/dev/null)" "RALPH_TASK_ID=$id"
expect_contains "with the daemon's instance id" "$(cat "$H/daemon-completed.env" 2>/dev/null)" "RALPH_INSTANCE_ID=$(hostname)"
hung=$(ralph submit -C "$W" -a hang)
wait_state "$hung" running || fail "hanging task runs"
old_instance=$(db "SELECT lease_owner FROM tasks WHERE id = $hung")
stop_daemon KILL
start_daemon d2
for _ in $(seq 100); do [ -f "$H/lost.json" ] && [ -f "$H/failover.json" ] && break; sleep 0.05; done
lost=$(cat "$H/lost.json" 2>/dev/null || echo '{}')
expect_eq "instance.lost: the task taken back" "$(jq_ 'd.get("tasks")' <<<"$lost")" "[$hung]"
expect_eq "instance.lost: the lost instance" "$(jq_ 'd.get("instance_id")' <<<"$lost")" "$old_instance"
expect_contains "instance.lost: env" "$(cat "$H/lost.env" 2>/dev/null)" "RALPH_TASK_IDS=$hung"
expect_eq "failover: the same task" "$(jq_ 'd.get("tasks"), d.get("reason")' <<<"$(cat "$H/failover.json" 2>/dev/null || echo '{}')")" \
  "([$hung], 'instance lost')"
ralph cancel "$hung" >/dev/null 2>&1 || true
stop_daemon TERM
e2e_finish
