#!/usr/bin/env bash
# PostgreSQL goes away under load and comes back: first a fast stop for a few
# seconds, then an immediate (crash) restart. Two ralphd keep running, their
# loops pause and resume, every task completes exactly once, and no iteration
# is lost or recorded twice.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" --no-redis -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init pg_restart
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql
: "${RALPH_TEST_PG_CTL:?set by with-test-services.sh}" "${RALPH_TEST_PG_DATA:?set by with-test-services.sh}"

as_pg=(); [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
pg_ctl() { "${as_pg[@]}" "$RALPH_TEST_PG_CTL" -D "$RALPH_TEST_PG_DATA" -l "$RALPH_TEST_PG_DATA/../pg.log" "$@" >/dev/null; }
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
sleep 0.$(( RANDOM % 5 + 3 ))
echo '{"type":"usage","input_tokens":1000,"output_tokens":100,"cost_usd":0.002,"model":"claude-sonnet-4-5"}'
[ "$n" -ge 10 ] && echo LOOP_COMPLETE
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
max_concurrent = 4
[agents.steady]
kind = "command"
command = ["$A/steady.sh"]
reports_usage = true
EOF2

ralph migrate >/dev/null
TASKS=8
for i in $(seq "$TASKS"); do
  mkdir -p "$T/w/$i"; echo work > "$T/w/$i/PROMPT.md"
  ralph submit -q -C "$T/w/$i" >/dev/null
done
declare -A pids
for d in a b; do
  STATE="$T/state-$d" start_daemon "pg-$d"
  pids[$d]=$DAEMON_PID
done
sleep 2
recorded_before=$(psql_ "SELECT count(*) FROM iterations")

pg_ctl -m fast stop
down_at=$(date +%s)
sleep 6
pg_ctl -w -t 30 start
pass "PostgreSQL was down for $(( $(date +%s) - down_at )) s after $recorded_before iterations"
sleep 3
pg_ctl -m immediate -w -t 30 restart
pass "then restarted as after a crash"

for _ in $(seq 1200); do
  left=$(psql_ "SELECT count(*) FROM tasks WHERE state <> 'completed'" 2>/dev/null || echo "?")
  [ "$left" = 0 ] && break
  sleep 0.1
done
expect_eq "all $TASKS tasks completed" "$left" "0"
for d in a b; do
  kill -0 "${pids[$d]}" 2>/dev/null && pass "daemon $d stayed up" || fail "daemon $d exited" "$(tail -n 20 "$T/pg-$d.log")"
done
grep -qh "unavailable\|cannot reach\|connection" "$T"/pg-*.log && pass "the daemons logged the outage" \
  || fail "no daemon logged the outage"
expect_eq "every task ran 10 iterations, none lost or repeated" \
  "$(psql_ "SELECT count(*) FROM tasks WHERE last_seq <> 10")" "0"
expect_eq "no task finished twice" "$(psql_ "SELECT count(*) FROM (SELECT task_id FROM events WHERE type='finished' GROUP BY task_id HAVING count(*) <> 1) x")" "0"
expect_eq "iterations are contiguous in every task" \
  "$(psql_ "SELECT count(*) FROM (SELECT task_id FROM iterations GROUP BY task_id HAVING max(seq) <> count(*)) x")" "0"
expect_eq "task totals equal the sum of their iterations" "$(psql_ "SELECT count(*) FROM tasks t WHERE last_seq <> (SELECT count(*) FROM iterations i WHERE i.task_id = t.id) OR input_tokens <> (SELECT coalesce(sum(input_tokens),0) FROM iterations i WHERE i.task_id = t.id)")" "0"
expect_eq "the agents ran exactly as many iterations as were recorded" \
  "$(cat "$T"/w/*/.count | awk '{s += $1} END {print s}')" "$(psql_ "SELECT count(*) FROM iterations")"
if [ -f "$T/w/overlaps" ]; then fail "no two agents ever worked on one task at once" "$(cat "$T/w/overlaps")"
else pass "no two agents ever worked on one task at once"; fi
for d in a b; do kill -TERM "${pids[$d]}" 2>/dev/null || true; done
e2e_finish
