#!/usr/bin/env bash
# Fleet-wide rate limits: two ralphd share PostgreSQL and Redis, and a fast
# agent whose provider allows 60 requests a minute with a burst of 1. Agent
# starts across both daemons are spaced about a second apart in all. Then
# Redis is shut down: the limits hold per daemon, and every task still
# completes.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init rate_limit
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql
[ -n "${RALPH_TEST_REDIS_URL:-}" ] || skip "redis-server is not installed"
require_tool redis-cli

psql_() { psql "$RALPH_TEST_PG_URL" -tAq -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
A="$T/agents"; mkdir -p "$A"
STARTS="$T/starts"
# One line per agent start: nanoseconds, and the daemon that started it.
write_agent "$A/quick.sh" <<SH
#!/usr/bin/env bash
echo "\$(date +%s%N) \$PPID" >> "$STARTS"
cat >/dev/null
n=\$(( \$(cat .count 2>/dev/null || echo 0) + 1 )); echo \$n > .count
[ "\$n" -ge 2 ] && echo LOOP_COMPLETE
exit 0
SH
cat > "$CFG" <<EOF2
[store]
url = "$RALPH_TEST_PG_URL"
[redis]
url = "$RALPH_TEST_REDIS_URL"
prefix = "e2e-rl:"
[loop]
agent = "quick"
max_iterations = 10
loop_detect_repeats = 0
[git]
enabled = false
[daemon]
max_concurrent = 2
poll_interval = "1s"
[agents.quick]
kind = "command"
command = ["$A/quick.sh"]
[rate_limits.quick]
requests_per_minute = 60
request_burst = 1
EOF2
ralph migrate >/dev/null

submit_tasks() { # submit_tasks FIRST LAST
  local i
  for i in $(seq "$1" "$2"); do
    mkdir -p "$T/w/$i"; echo work > "$T/w/$i/PROMPT.md"
    ralph submit -q -C "$T/w/$i" >/dev/null
  done
}
wait_all_done() { # wait_all_done TIMEOUT_S
  local left=
  for _ in $(seq $(($1 * 10))); do
    left=$(psql_ "SELECT count(*) FROM tasks WHERE state NOT IN ('completed','failed','stopped','cancelled')")
    [ "$left" = 0 ] && return 0
    sleep 0.1
  done
  return 1
}
# spacing FILE: "<starts> <span_ms> <min_gap_ms> <daemons>" of the starts in FILE.
spacing() {
  sort -n "$1" | awk '{ t = $1 / 1e6; if (NR > 1 && (gap == "" || t - prev < gap)) gap = t - prev;
                        if (NR == 1) first = t; prev = t; d[$2] = 1 }
                      END { n = 0; for (k in d) n++; printf "%d %d %d %d\n", NR, prev - first, gap, n }'
}

# Part 1: fleet-wide. 4 tasks x 2 iterations = 8 agent starts, at most one a
# second in all, whichever daemon runs them.
submit_tasks 1 4
declare -a pids ports
for d in a b; do
  STATE="$T/state-$d" start_daemon "rl-$d"
  pids+=("$DAEMON_PID"); ports+=("$HTTP_PORT")
done
# The bucket is in Redis while the calls go on (it expires once full again).
keys=
for _ in $(seq 300); do
  keys=$(redis-cli -s "${RALPH_TEST_REDIS_URL#unix://}" --scan --pattern 'e2e-rl:rl:*')
  [ -n "$keys" ] && break
  sleep 0.1
done
expect_contains "the bucket lives in Redis under the prefix" "$keys" "e2e-rl:rl:quick:req"
wait_all_done 120 || die "tasks did not finish: $(psql_ "SELECT id, state FROM tasks")"
read -r n span gap daemons < <(spacing "$STARTS")
expect_eq "8 agent starts" "$n" "8"
expect_eq "both daemons ran agents" "$daemons" "2"
[ "$span" -ge 6000 ] && pass "8 starts across both daemons took ${span} ms (>= 6 s at 60/min, burst 1)" \
  || fail "8 starts took only ${span} ms: the limit is not fleet-wide" "$(sort -n "$STARTS")"
# The limiter spaces the calls 1 s apart; an agent notes its start after it
# is spawned, which a loaded machine may delay, hence the tolerance.
[ "$gap" -ge 250 ] && pass "no two starts closer than 0.25 s (closest ${gap} ms)" \
  || fail "two starts ${gap} ms apart" "$(sort -n "$STARTS")"
expect_eq "every task completed" "$(psql_ "SELECT count(*) FROM tasks WHERE state <> 'completed'")" "0"
waits=$(psql_ "SELECT count(*) FROM events WHERE type = 'rate_limit'")
[ "$waits" -ge 4 ] && pass "the waits are recorded as rate_limit events ($waits)" || fail "rate_limit events: $waits"
expect_contains "an event names the provider" "$(psql_ "SELECT data FROM events WHERE type = 'rate_limit' LIMIT 1")" \
  "provider 'quick'"
metrics=$(curl -sf "http://127.0.0.1:${ports[0]}/metrics")$(curl -sf "http://127.0.0.1:${ports[1]}/metrics")
expect_contains "/metrics counts the wait per provider" "$metrics" 'ralph_rate_limit_wait_seconds_total{provider="quick"}'

# Part 2: Redis gone. Each daemon limits on its own; nothing fails.
redis-cli -s "${RALPH_TEST_REDIS_URL#unix://}" shutdown nosave >/dev/null 2>&1 || true
for _ in $(seq 100); do [ -S "${RALPH_TEST_REDIS_URL#unix://}" ] || break; sleep 0.05; done
: > "$STARTS"
submit_tasks 5 8
wait_all_done 120 || die "tasks did not finish without Redis: $(psql_ "SELECT id, state FROM tasks")"
expect_eq "without Redis every task still completed" \
  "$(psql_ "SELECT count(*) FROM tasks WHERE state <> 'completed'")" "0"
expect_eq "8 more agent starts" "$(wc -l < "$STARTS")" "8"
grep -h "rate limits: the shared store is unreachable" "$T"/rl-*.log >/dev/null \
  && pass "a daemon logs that it limits on its own" || fail "no log of the Redis outage" "$(tail -n 5 "$T"/rl-*.log)"
logged=$(cat "$T"/rl-a.log "$T"/rl-b.log | grep -c "rate limits: the shared store is unreachable" || true)
[ "$logged" -le 2 ] && pass "…once per daemon ($logged lines)" || fail "the outage was logged $logged times"
per_daemon_ok=1
for pid in "${pids[@]}"; do
  grep " $pid\$" "$STARTS" > "$T/starts-$pid" || true
  [ -s "$T/starts-$pid" ] || continue
  read -r _ _ gap _ < <(spacing "$T/starts-$pid")
  [ "$(wc -l < "$T/starts-$pid")" -lt 2 ] || [ "$gap" -ge 250 ] || per_daemon_ok=0
done
[ "$per_daemon_ok" = 1 ] && pass "each daemon still spaces its own starts" || fail "per-daemon limit" "$(sort -n "$STARTS")"
metrics=$(curl -sf "http://127.0.0.1:${ports[0]}/metrics")$(curl -sf "http://127.0.0.1:${ports[1]}/metrics")
grep -Eq '^ralph_rate_limit_errors_total [1-9]' <<<"$metrics" && pass "/metrics counts the Redis errors" \
  || fail "no Redis errors in /metrics" "$(grep rate_limit <<<"$metrics")"
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
e2e_finish
