#!/usr/bin/env bash
# The failover drill. Two ralphd on one PostgreSQL (started by the harness):
# scripts/failover.sh drains one (its tasks finish on the other, it stays up
# idle and claims nothing until `ralph instances activate`), then evicts it
# (it exits 3, its task finishes on the survivor once); --promote runs the
# promote command (here: a PostgreSQL restart) and waits for the daemons to
# reconnect, exit 4 when the command fails, 3 on a timeout. Then a single
# daemon on SQLite drains. Every task completes once, with contiguous
# iterations and totals equal to their sums.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" --no-redis -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init failover
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql
require_tool curl
: "${RALPH_TEST_PG_CTL:?set by with-test-services.sh}" "${RALPH_TEST_PG_DATA:?set by with-test-services.sh}"

FAILOVER="$RALPH_SOURCE_DIR/scripts/failover.sh"
export RALPH_BIN RALPH_CONFIG="$CFG"
failover() { "$FAILOVER" --state-dir "$STATE" "$@"; }
psql_() { psql "$RALPH_TEST_PG_URL" -tAq -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
as_pg=(); [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)

A="$T/agents"; mkdir -p "$A"
write_agent "$A/steady.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
n=$(( $(cat .count 2>/dev/null || echo 0) + 1 )); echo $n > .count
sleep 0.$(( RANDOM % 3 + 4 ))
echo '{"type":"usage","input_tokens":1000,"output_tokens":100,"cost_usd":0.002,"model":"claude-sonnet-4-5"}'
[ "$n" -ge 6 ] && echo LOOP_COMPLETE
exit 0
SH
write_config() { # write_config STORE_URL
  cat > "$CFG" <<EOF2
[store]
url = "$1"
[loop]
agent = "steady"
max_iterations = 40
loop_detect_repeats = 0
[git]
enabled = false
[daemon]
max_concurrent = 2
poll_interval = "1s"
[agents.steady]
kind = "command"
command = ["$A/steady.sh"]
reports_usage = true
EOF2
}
write_config "$RALPH_TEST_PG_URL"
ralph migrate >/dev/null

n=0
submit() { # submit COUNT: queues COUNT tasks, each in its own workdir; $last is the last id
  local _
  for _ in $(seq "$1"); do
    n=$((n + 1)); mkdir -p "$T/w/$n"; echo work > "$T/w/$n/PROMPT.md"
    last=$(ralph submit -q -C "$T/w/$n")
  done
}
instance_of() { sed -n 's/.*started as \([^:]*:[0-9]*:[^:]*\): .*/\1/p' "$1" | head -n 1; }
running_on() { ralph instances --tsv | awk -F'\t' -v id="$1" '$1 == id { print $3 }'; }
wait_until() { # wait_until SECONDS COMMAND…: true once COMMAND succeeds
  local t=$1 _; shift
  for _ in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done
  return 1
}
all_done() { [ "$(psql_ "SELECT count(*) FROM tasks WHERE state <> 'completed'")" = 0 ]; }
busy() { [ "$(running_on "$1")" -ge 1 ] 2>/dev/null; }
claims_by() { # claims_by ID AFTER_MS: claims by instance ID after AFTER_MS
  psql_ "SELECT count(*) FROM events WHERE type = 'claimed' AND data::jsonb->>'owner' = '$1' AND at > $2"
}
now_ms() { date +%s%3N; }

# --- usage errors ----------------------------------------------------------
for args in "" "--evict" "--timeout x --instance a" "--bogus" "--promote"; do
  # shellcheck disable=SC2086 # word splitting wanted
  RALPH_FAILOVER_PROMOTE_COMMAND='' "$FAILOVER" $args >/dev/null 2>&1 && rc=0 || rc=$?
  expect_eq "failover.sh $args: usage error" "$rc" "2"
done
expect_contains "--help says what it does" "$("$FAILOVER" --help)" "Exit codes: 0 done"
ralph instances drain >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "ralph instances drain without an id: usage error" "$rc" "2"
ralph instances drain nosuch >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "ralph instances drain of an unknown instance exits 3" "$rc" "3"

# --- drain -----------------------------------------------------------------
submit 3
STATE="$T/state-a" start_daemon fo-a; pid_a=$DAEMON_PID; log_a=$DAEMON_LOG; port_a=$HTTP_PORT
id_a=$(instance_of "$log_a")
wait_until 20 busy "$id_a" || die "daemon a runs no task"
STATE="$T/state-b" start_daemon fo-b; pid_b=$DAEMON_PID; log_b=$DAEMON_LOG
id_b=$(instance_of "$log_b")
expect_eq "/readyz of a before the drain" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_a/readyz")" "200"
start=$(now_ms)
out=$(failover --instance "${id_a%:*}" --timeout 60 2>"$T/drain.err") && rc=0 || rc=$?
drained_at=$(now_ms)
echo "drain (2 running tasks, agent iterations 0.4-0.6 s): failover.sh took $((drained_at - start)) ms"
expect_eq "failover.sh --instance drains a (exit 0)" "$rc" "0"
expect_contains "…and says so" "$out" "drained $id_a: it runs no task"
expect_eq "a runs no task afterwards" "$(running_on "$id_a")" "0"
expect_eq "a is listed draining" "$(ralph instances --tsv | awk -F'\t' -v id="$id_a" '$1 == id { print $2 }')" "draining"
kill -0 "$pid_a" 2>/dev/null && pass "the drained daemon stays up" || fail "the drained daemon stays up"
expect_eq "/readyz of the drained daemon" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_a/readyz")" "503"
[ "$(psql_ "SELECT count(*) FROM events WHERE type = 'failover' AND data::jsonb->>'from' = '$id_a' AND data::jsonb->>'reason' = 'drain'")" -ge 1 ] \
  && pass "a failover event records each task a handed back" || fail "failover events of the drain"
submit 2
wait_until 120 all_done && pass "a's tasks and new submissions finish on b" || fail "tasks finish after the drain"
expect_eq "the drained daemon claimed nothing" "$(claims_by "$id_a" "$drained_at")" "0"
grep -q "drained: idle" "$log_a" && pass "a logs that it is drained and idle" || fail "a logs the drain"

# --- activate --------------------------------------------------------------
out=$(ralph instances activate "$id_a" 2>&1) && rc=0 || rc=$?
expect_eq "ralph instances activate exits 0" "$rc" "0"
activated_at=$(now_ms)
submit 4
wait_until 30 busy "$id_a" && pass "activated, a claims again" || fail "a claims after activate"
expect_eq "/readyz of the activated daemon" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_a/readyz")" "200"
[ "$(claims_by "$id_a" "$activated_at")" -ge 1 ] && pass "…its claims are recorded" || fail "claims after activate"

# --- evict -----------------------------------------------------------------
on_a=$(ralph instances --json | jq -r --arg id "$id_a" '.[] | select(.id == $id) | .running[]' 2>/dev/null \
  || psql_ "SELECT id FROM tasks WHERE state = 'running' AND lease_owner = '$id_a'")
[ -n "$on_a" ] && pass "a runs task(s) $(echo "$on_a" | tr '\n' ' ')when it is evicted" || fail "a runs tasks when it is evicted"
start=$(now_ms)
out=$(failover --instance "$id_a" --evict --timeout 30 2>"$T/evict.err") && rc=0 || rc=$?
expect_eq "failover.sh --evict exits 0" "$rc" "0"
expect_contains "…and says so" "$out" "evicted $id_a"
DAEMON_PID=$pid_a
for _ in $(seq 100); do kill -0 "$pid_a" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid_a" 2>/dev/null; then fail "the evicted daemon exits"; kill -9 "$pid_a"; fi
echo "evict to the daemon's exit: $(( $(now_ms) - start )) ms"
rc_a=0; wait "$pid_a" 2>/dev/null || rc_a=$?
expect_eq "the evicted daemon exits 3" "$rc_a" "3"
grep -q "evicted: the store marks this daemon" "$log_a" && pass "…saying why" || fail "the evicted daemon says why"
expect_eq "a is listed dead" "$(ralph instances --tsv | awk -F'\t' -v id="$id_a" '$1 == id { print $2 }')" "dead"
ralph instances evict "$id_a" >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "evicting a dead instance exits 3" "$rc" "3"
wait_until 120 all_done && pass "every task completes after the eviction" || fail "tasks complete after the eviction"
for t in $on_a; do
  expect_eq "task $t (a's at the eviction) finished on b" \
    "$(psql_ "SELECT data::jsonb->>'owner' FROM events WHERE task_id = $t AND type = 'claimed' ORDER BY id DESC LIMIT 1")" "$id_b"
  expect_eq "…after a failover event" \
    "$(psql_ "SELECT count(*) FROM events WHERE task_id = $t AND type = 'failover' AND data::jsonb->>'reason' = 'evicted'")" "1"
done
expect_eq "no task finished twice" \
  "$(psql_ "SELECT count(*) FROM (SELECT task_id FROM events WHERE type='finished' GROUP BY task_id HAVING count(*) <> 1) x")" "0"
expect_eq "iterations are contiguous in every task" \
  "$(psql_ "SELECT count(*) FROM (SELECT task_id FROM iterations GROUP BY task_id HAVING max(seq) <> count(*)) x")" "0"
expect_eq "task totals equal the sum of their iterations" "$(psql_ "SELECT count(*) FROM tasks t WHERE last_seq <> (SELECT count(*) FROM iterations i WHERE i.task_id = t.id) OR input_tokens <> (SELECT coalesce(sum(input_tokens),0) FROM iterations i WHERE i.task_id = t.id)")" "0"
expect_eq "all $n tasks completed" "$(psql_ "SELECT count(*) FROM tasks WHERE state = 'completed'")" "$n"

# --- promote ---------------------------------------------------------------
pg_restart="${as_pg[*]} $RALPH_TEST_PG_CTL -D $RALPH_TEST_PG_DATA -l $RALPH_TEST_PG_DATA/../pg.log -m fast restart >/dev/null && touch $T/promoted"
start=$(now_ms)
out=$(RALPH_FAILOVER_PROMOTE_COMMAND=$pg_restart failover --promote --timeout 60 2>"$T/promote.err") && rc=0 || rc=$?
expect_eq "failover.sh --promote (a PostgreSQL restart) exits 0" "$rc" "0" 
expect_file "…the promote command ran" "$T/promoted"
expect_contains "…and b reconnected" "$out" "promoted: 1 daemon(s) reconnected"
echo "promote + reconnect took $(( $(now_ms) - start )) ms"
kill -0 "$pid_b" 2>/dev/null && pass "b is still up" || fail "b is still up"
RALPH_FAILOVER_PROMOTE_COMMAND="exit 7" failover --promote --timeout 5 >/dev/null 2>"$T/promote-fail.err" && rc=0 || rc=$?
expect_eq "a failing promote command: exit 4" "$rc" "4"
kill -STOP "$pid_b"
RALPH_FAILOVER_PROMOTE_COMMAND=true failover --promote --timeout 2 >/dev/null 2>"$T/promote-late.err" && rc=0 || rc=$?
kill -CONT "$pid_b"
expect_eq "a daemon that does not reconnect: exit 3" "$rc" "3"
expect_contains "…naming it" "$(cat "$T/promote-late.err")" "not reconnected: $id_b"
kill -TERM "$pid_b" 2>/dev/null || true

# --- SQLite: one daemon drains --------------------------------------------
STATE="$T/state-lite"
write_config "sqlite://$T/lite.db"
submit 1; lite_task=$last
start_daemon fo-lite; id_l=$(instance_of "$DAEMON_LOG")
wait_until 20 busy "$id_l" || die "the SQLite daemon runs no task"
out=$(failover --instance "$id_l" --timeout 60 2>/dev/null) && rc=0 || rc=$?
expect_eq "SQLite: failover.sh --instance drains (exit 0)" "$rc" "0"
expect_eq "…the task is queued again" "$(ralph status "$lite_task" --json | jq_ 'd["state"]')" "queued"
submit 1
sleep 2
expect_eq "…the drained daemon stays idle" "$(running_on "$id_l")" "0"
kill -0 "$DAEMON_PID" 2>/dev/null && pass "…and up" || fail "the drained SQLite daemon stays up"
ralph instances activate "$id_l" >/dev/null 2>&1
wait_state "$lite_task" completed 60 && pass "SQLite: activated, the task completes" || fail "SQLite task after activate"
wait_state "$last" completed 60 && pass "…and so does the one submitted while drained" || fail "SQLite second task"
its=$(ralph status "$lite_task" --json | jq_ 'd["iterations"]')
expect_eq "…with every iteration once (the agent ran 6 times)" "$its" "6"
stop_daemon TERM 30
e2e_finish
