#!/usr/bin/env bash
# Two ralphd on one PostgreSQL with Redis (both from the harness). A cancel
# reaches the running agent through Redis pub/sub within a second although
# the daemons poll only every 60 s; `ralph cancel` from another state
# directory publishes it; `ralph logs -f` from there streams a task's lines
# through Redis. Then redis-server is killed with -9 mid-run: every
# task still completes exactly once, /metrics says ralph_redis_up 0 and
# /readyz stays 200 with "redis: down"; Redis restarted on the same socket
# brings ralph_redis_up back to 1.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init redis
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql
require_tool curl
require_tool redis-cli
require_tool redis-server
[ -n "${RALPH_TEST_REDIS_URL:-}" ] || skip "redis-server is not installed (the harness started no Redis)"
SOCK=${RALPH_TEST_REDIS_URL#unix://}
rcli() { redis-cli -s "$SOCK" "$@"; }

psql_() { psql "$RALPH_TEST_PG_URL" -tAq -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
A="$T/agents"; mkdir -p "$A"
# steady: 6 short iterations per task. long: runs until stopped.
write_agent "$A/steady.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
n=$(( $(cat .count 2>/dev/null || echo 0) + 1 )); echo $n > .count
echo "line $n of $PWD"
sleep 0.3
[ "$n" -ge 6 ] && echo LOOP_COMPLETE
exit 0
SH
write_agent "$A/long.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo "long agent $$ started"
for _ in $(seq 600); do sleep 0.1; done
SH
cat > "$CFG" <<EOF2
[store]
url = "$RALPH_TEST_PG_URL"
[redis]
url = "$RALPH_TEST_REDIS_URL"
prefix = "e2e:"
[loop]
agent = "steady"
max_iterations = 50
loop_detect_repeats = 0
[git]
enabled = false
[daemon]
max_concurrent = 3
poll_interval = "60s"
[agents.steady]
kind = "command"
command = ["$A/steady.sh"]
[agents.long]
kind = "command"
command = ["$A/long.sh"]
EOF2
ralph migrate >/dev/null

declare -A port pid
for d in a b; do
  STATE="$T/state-$d" start_daemon "redis-$d"
  port[$d]=$HTTP_PORT; pid[$d]=$DAEMON_PID
done
metric() { curl -fsS "http://127.0.0.1:${port[$1]}/metrics" | sed -n "s/^$2 //p"; }
# wait_metric DAEMON NAME VALUE [TIMEOUT_S]
wait_metric() {
  local got=''
  for _ in $(seq $(( ${4:-10} * 10 ))); do
    got=$(metric "$1" "$2"); [ "$got" = "$3" ] && return 0; sleep 0.1
  done
  echo "daemon $1: $2 is [$got], not [$3]" >&2; return 1
}
for d in a b; do
  wait_metric "$d" ralph_redis_up 1 && pass "daemon $d: ralph_redis_up 1" || fail "daemon $d subscribes to Redis"
  expect_eq "daemon $d: /readyz says redis: up" "$(curl -fsS "http://127.0.0.1:${port[$d]}/readyz")" $'ready\nredis: up'
done

# wait_cancelled ID: waits (up to 10 s) until the store says task ID is
# cancelled; prints the milliseconds since $start. psql answers much faster
# than `ralph status`, so the figure is the daemon's, not the polling's.
wait_cancelled() {
  local i
  for i in $(seq 500); do
    [ "$(psql_ "SELECT state FROM tasks WHERE id = $1")" = cancelled ] && break
    sleep 0.02
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}
elsewhere() { STATE="$T/elsewhere" ralph "$@"; } # no daemon there: no local socket to poke
submit_long() { mkdir -p "$T/w/$1"; echo work > "$T/w/$1/PROMPT.md"; elsewhere submit -q --agent long -C "$T/w/$1"; }

# A cancel request written to the store behind the daemons' backs (no NOTIFY)
# plus a bare PUBLISH: only the Redis wakeup can stop it quickly (polls are
# 60 s apart, lease renewals 5 s).
for trial in 1 2 3; do
  id=$(submit_long "pubsub-$trial")
  wait_state "$id" running 30 || die "task $id never ran"
  psql_ "UPDATE tasks SET cancel_requested = true WHERE id = $id"
  start=$(date +%s%N)
  [ "$(rcli PUBLISH e2e:wake "cancel $id")" -ge 2 ] || fail "both daemons subscribe to e2e:wake"
  took=$(wait_cancelled "$id")
  state=$(ralph status "$id" --json | jq_ 'd["state"]')
  [ "$state" = cancelled ] && [ "$took" -lt 1500 ] && pass "trial $trial: a pub/sub cancel stopped the agent in ${took} ms (poll 60 s)" \
    || fail "pub/sub cancel, trial $trial" "state $state after ${took} ms"
done

# ralph cancel from another machine (state dir) publishes the wakeup.
id=$(submit_long remote-cancel)
wait_state "$id" running 30 || die "task $id never ran"
timeout 10 redis-cli -s "$SOCK" SUBSCRIBE e2e:wake > "$T/subscribed" 2>/dev/null &
for _ in $(seq 100); do [ "$(rcli PUBSUB NUMSUB e2e:wake | tail -n 1)" -ge 3 ] && break; sleep 0.05; done
start=$(date +%s%N)
elsewhere cancel "$id" >/dev/null
took=$(wait_cancelled "$id")
for _ in $(seq 50); do grep -q "^cancel $id\$" "$T/subscribed" && break; sleep 0.1; done
expect_contains "ralph cancel published 'cancel $id'" "$(cat "$T/subscribed")" "cancel $id"
[ "$took" -lt 3000 ] && pass "ralph cancel from elsewhere stopped the task in ${took} ms" || fail "remote cancel took ${took} ms"

# ralph logs -f from a state directory with none of the daemons' log files:
# the lines can only come through the task's Redis stream.
mkdir -p "$T/w/follow"; echo work > "$T/w/follow/PROMPT.md"
id=$(elsewhere submit -q -C "$T/w/follow")
timeout 60 "$RALPH_BIN" --state-dir "$T/elsewhere" -c "$CFG" logs -f "$id" > "$T/followed" 2>"$T/followed.err" && rc=0 || rc=$?
expect_eq "ralph logs -f through Redis ends with the task (exit 0)" "$rc" "0"
expect_eq "it printed the agent's 6 lines, in order" "$(grep -c "^line [1-6] of $T/w/follow\$" "$T/followed")" "6"
expect_eq "…and nothing else" "$(cut -d' ' -f1-2 "$T/followed" | tr '\n' ' ')" "line 1 line 2 line 3 line 4 line 5 line 6 LOOP_COMPLETE "
expect_eq "no fallback to log files was needed" "$(cat "$T/followed.err")" ""
expect_eq "the task's state: completed" "$(elsewhere status "$id" --json | jq_ 'd["state"]')" "completed"
entries=$(rcli XRANGE "e2e:log:$id" - + | grep -c -x -e iteration_start -e iteration_end -e task_end)
expect_eq "the stream marks 6 iteration starts and ends and the task's end" "$entries" "13"
start=$(date +%s%N)
timeout 20 "$RALPH_BIN" --state-dir "$T/elsewhere" -c "$CFG" logs -f "$id" >/dev/null 2>&1 && rc=0 || rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" = 0 ] && [ "$took" -lt 5000 ] && pass "ralph logs -f on a finished task ends at once (${took} ms)" \
  || fail "logs -f on a finished task" "rc $rc after ${took} ms"

expect_contains "ralph doctor: Redis answers" "$(elsewhere doctor 2>&1)" "ok   redis: unix://$SOCK answers"

# Redis dies mid-run: the store carries on alone.
redis_pid=$(rcli INFO server | sed -n 's/^process_id:\([0-9]*\).*/\1/p')
[ -n "$redis_pid" ] || die "cannot find redis-server's pid"
TASKS=4
ids=()
for i in $(seq "$TASKS"); do
  mkdir -p "$T/w/s$i"; echo work > "$T/w/s$i/PROMPT.md"
  ids+=("$(elsewhere submit -q -C "$T/w/s$i")")
done
wait_state "${ids[0]}" running 30 || die "no task started"
kill -9 "$redis_pid"
for d in a b; do
  wait_metric "$d" ralph_redis_up 0 && pass "daemon $d: ralph_redis_up 0 once Redis is gone" || fail "daemon $d notices Redis is down"
  expect_eq "daemon $d: /readyz still 200" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$d]}/readyz")" 200
  expect_eq "daemon $d: /readyz says redis: down" "$(curl -sS "http://127.0.0.1:${port[$d]}/readyz")" $'ready\nredis: down'
done
start=$(date +%s%N)
mkdir -p "$T/w/late"; echo work > "$T/w/late/PROMPT.md"
ids+=("$(elsewhere submit -q -C "$T/w/late")")
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took" -lt 3000 ] && pass "ralph submit works while Redis is down (${took} ms)" || fail "submit with Redis down took ${took} ms"
doctor=$(elsewhere doctor 2>&1) && rc=0 || rc=$?
expect_contains "ralph doctor warns that Redis is unreachable" "$doctor" "warn redis: unix://$SOCK is unreachable"
for id in "${ids[@]}"; do wait_state "$id" completed 90 || fail "task $id completes without Redis"; done
expect_eq "every task finished exactly once" \
  "$(psql_ "SELECT count(*) FROM (SELECT task_id FROM events WHERE type='finished' GROUP BY task_id HAVING count(*) <> 1) x")" "0"
expect_eq "all $(( TASKS + 1 )) tasks completed" \
  "$(psql_ "SELECT count(*) FROM tasks WHERE state = 'completed' AND id IN ($(IFS=,; echo "${ids[*]}"))")" "$(( TASKS + 1 ))"
errors=$(metric a ralph_redis_errors_total)
[ "${errors%.*}" -ge 1 ] 2>/dev/null && pass "ralph_redis_errors_total counts the outage ($errors)" || fail "ralph_redis_errors_total" "[$errors]"

# Redis back on the same socket: the daemons resubscribe.
redis-server --port 0 --unixsocket "$SOCK" --unixsocketperm 700 --save "" --appendonly no >"$T/redis2.log" 2>&1 &
E2E_PIDS+=("$!")
for d in a b; do
  wait_metric "$d" ralph_redis_up 1 20 && pass "daemon $d: ralph_redis_up back to 1 after the restart" || fail "daemon $d resubscribes"
done
id=$(submit_long after-restart)
wait_state "$id" running 30 || die "task $id never ran"
psql_ "UPDATE tasks SET cancel_requested = true WHERE id = $id"
start=$(date +%s%N)
rcli PUBLISH e2e:wake "cancel $id" >/dev/null
took=$(wait_cancelled "$id")
[ "$took" -lt 1500 ] && pass "pub/sub cancels work again after the restart (${took} ms)" || fail "cancel after restart took ${took} ms"
for d in a b; do kill -TERM "${pid[$d]}" 2>/dev/null || true; done
e2e_finish
