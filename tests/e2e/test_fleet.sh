#!/usr/bin/env bash
# Three ralphd share one PostgreSQL (started by the harness). One is killed
# with -9 while it runs tasks, another is SIGSTOPped past its lease and then
# resumed. Every task completes exactly once, no iteration is recorded twice
# or out of order, the stopped daemon's late writes are rejected, and the
# takeover times are reported.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" --no-redis -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init fleet
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql

psql_() { psql "$RALPH_TEST_PG_URL" -tAq -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
A="$T/agents"; mkdir -p "$A"
write_agent "$A/steady.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
if [ -f .agent-pid ]; then
  prev=$(cat .agent-pid); st=$(awk '{print $3}' "/proc/$prev/stat" 2>/dev/null || true)
  case "$st" in ""|Z|X) ;; *) echo "pid $$ started while $prev ($st) still ran" >> ../overlaps ;; esac
fi
echo $$ > .agent-pid
n=$(( $(cat .count 2>/dev/null || echo 0) + 1 )); echo $n > .count
sleep 0.$(( RANDOM % 4 + 3 ))
echo '{"type":"usage","input_tokens":1000,"output_tokens":100,"cost_usd":0.002,"model":"claude-sonnet-4-5"}'
[ "$n" -ge 8 ] && echo LOOP_COMPLETE
exit 0
SH
cat > "$CFG" <<EOF2
[store]
url = "$RALPH_TEST_PG_URL"
[loop]
agent = "steady"
max_iterations = 60
loop_detect_repeats = 0
[git]
enabled = false
[daemon]
max_concurrent = 3
poll_interval = "30s"
[agents.steady]
kind = "command"
command = ["$A/steady.sh"]
reports_usage = true
EOF2

# A shared database is migrated by ralphd or `ralph migrate`, never as a
# side effect of another command.
mkdir -p "$T/w/0"; echo work > "$T/w/0/PROMPT.md"
out=$(ralph submit -q -C "$T/w/0" 2>&1) && rc=0 || rc=$?
expect_eq "submit to an unmigrated PostgreSQL fails" "$rc" "1"
expect_contains "it says to run ralph migrate" "$out" 'needs a schema migration (version 0, this ralph 5): run `ralph migrate`'
expect_eq "and created nothing" "$(psql_ "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" "0"
ralph migrate --check >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "migrate --check exits 1 when a migration is due" "$rc" "1"
expect_contains "ralph migrate applies it" "$(ralph migrate 2>&1)" "schema version 0 -> 5"
expect_contains "--json reports the version" "$(ralph migrate --json)" '"to": 5'
ralph migrate --check >/dev/null && rc=0 || rc=$?
expect_eq "then migrate --check exits 0" "$rc" "0"

TASKS=12
for i in $(seq "$TASKS"); do
  mkdir -p "$T/w/$i"; echo work > "$T/w/$i/PROMPT.md"
  ralph submit -q -C "$T/w/$i" >/dev/null
done
declare -A pids
for d in a b c; do
  STATE="$T/state-$d" start_daemon "fleet-$d"
  pids[$d]=$DAEMON_PID
done
owner_of_running() { # prints the pid of a daemon that runs tasks now (not in $1…)
  ralph instances --json | python3 -c '
import json, sys
skip = set(sys.argv[1:])
for i in json.load(sys.stdin):
    if i["running"] and i["state"] == "active" and str(i["pid"]) not in skip:
        print(i["pid"]); break' "$@"
}
sleep 1.5
victim=$(owner_of_running)
[ -n "$victim" ] || die "no daemon runs tasks"
killed_at=$(date +%s%N)
kill -9 "$victim"
took=
for _ in $(seq 400); do
  if grep -h "took back task(s) .* of [^ ]*:$victim:" "$T"/fleet-*.log >/dev/null 2>&1; then
    took=$(( ($(date +%s%N) - killed_at) / 1000000 )); break
  fi
  sleep 0.025
done
[ -n "$took" ] && pass "a kill -9'd daemon's tasks are taken over (${took} ms)" || fail "takeover after kill -9"
[ -n "$took" ] && [ "$took" -le 3500 ] && pass "…within 3.5 s (target 3 s)" || fail "takeover after kill -9 took ${took:-?} ms"

# The daemon picked may finish its task between the listing and the signal;
# then nothing is left to take over, so pick again until a stopped one holds
# a task.
stopped=
for _ in $(seq 10); do
  stopped=$(owner_of_running "$victim")
  [ -n "$stopped" ] || die "no second daemon runs tasks"
  stopped_at=$(date +%s%N)
  kill -STOP "$stopped"
  [ "$(psql_ "SELECT count(*) FROM tasks WHERE state = 'running' AND lease_owner LIKE '%:$stopped:%'")" != 0 ] && break
  kill -CONT "$stopped"; stopped=
  sleep 0.2
done
[ -n "$stopped" ] || die "no daemon still held a task when it was stopped"
took=
for _ in $(seq 800); do
  if grep -h "took back task(s) .* of [^ ]*:$stopped:" "$T"/fleet-*.log >/dev/null 2>&1; then
    took=$(( ($(date +%s%N) - stopped_at) / 1000000 )); break
  fi
  sleep 0.05
done
[ -n "$took" ] && pass "a hung (SIGSTOPped) daemon's tasks are taken over (${took} ms)" || fail "takeover after SIGSTOP"
[ -n "$took" ] && [ "$took" -le 15000 ] && pass "…within 15 s" || fail "takeover after SIGSTOP took ${took:-?} ms"
kill -CONT "$stopped"

for _ in $(seq 1200); do
  left=$(psql_ "SELECT count(*) FROM tasks WHERE state <> 'completed'")
  [ "$left" = 0 ] && break
  sleep 0.1
done
expect_eq "all $TASKS tasks completed" "$left" "0"
for _ in $(seq 100); do grep -q "lease lost\|lost_lease" "$T"/fleet-*.log && break; sleep 0.1; done
stopped_log=$(grep -l "started as [^ ]*:$stopped:" "$T"/fleet-*.log)
grep -q "lost_lease\|lease lost" "$stopped_log" && pass "the resumed daemon found its leases gone and wrote nothing more" \
  || fail "the resumed daemon saw it was fenced" "$(tail -n 20 "$stopped_log")"
expect_eq "no task finished twice" "$(psql_ "SELECT count(*) FROM (SELECT task_id FROM events WHERE type='finished' GROUP BY task_id HAVING count(*) <> 1) x")" "0"
expect_eq "iterations are contiguous in every task" \
  "$(psql_ "SELECT count(*) FROM (SELECT task_id FROM iterations GROUP BY task_id HAVING max(seq) <> count(*)) x")" "0"
expect_eq "task totals equal the sum of their iterations" "$(psql_ "SELECT count(*) FROM tasks t WHERE last_seq <> (SELECT count(*) FROM iterations i WHERE i.task_id = t.id) OR input_tokens <> (SELECT coalesce(sum(input_tokens),0) FROM iterations i WHERE i.task_id = t.id)")" "0"
if [ -f "$T/w/overlaps" ]; then fail "no two agents ever worked on one task at once" "$(cat "$T/w/overlaps")"
else pass "no two agents ever worked on one task at once"; fi
# A submit from a machine with no daemon (another state directory, so no
# local socket to poke) wakes the fleet through NOTIFY, not the 30 s poll.
mkdir -p "$T/w/remote"; echo work > "$T/w/remote/PROMPT.md"; echo 7 > "$T/w/remote/.count"
start=$(date +%s%N)
STATE="$T/elsewhere" ralph submit -q --wait -C "$T/w/remote" >/dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took" -lt 5000 ] && pass "a submit from elsewhere starts at once through NOTIFY (${took} ms, poll 30 s)" \
  || fail "remote submit took ${took} ms"
for d in a b c; do kill -TERM "${pids[$d]}" 2>/dev/null || true; done
e2e_finish
