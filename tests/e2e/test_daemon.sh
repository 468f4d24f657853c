#!/usr/bin/env bash
# ralphd end to end: submit --wait, queueing while no daemon runs, wakeups,
# cancel within seconds, drain on SIGTERM, resume, retry, logs, instances,
# reload, the HTTP endpoints, and every start-up fault with its message.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init daemon
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool curl

A="$T/agents"
mkdir -p "$A" "$T/w"
write_agent "$A/done.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo "agent says hello"
echo '{"type":"usage","input_tokens":100,"output_tokens":10,"cost_usd":0.01,"model":"claude-sonnet-4-5"}'
echo LOOP_COMPLETE
SH
write_agent "$A/third.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
n=$(( $(cat .count 2>/dev/null || echo 0) + 1 )); echo $n > .count
echo "call $n"
[ "$n" -ge 3 ] && echo LOOP_COMPLETE
exit 0
SH
write_agent "$A/hang.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo $$ > agent.pid
echo "hanging"
exec sleep 300
SH
write_agent "$A/slow.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo x >> .runs; echo "slow start"; sleep 1.5; echo "slow end"
SH
write_agent "$A/fail.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null; echo "broken"; exit 1
SH
{
  printf '[loop]\nagent = "done"\nmax_iterations = 10\nbackoff_base = "10ms"\nmax_consecutive_failures = 2\n'
  printf '[git]\nenabled = false\n[daemon]\nmax_concurrent = 2\npoll_interval = "5s"\n'
  for a in "done" third hang slow fail; do
    printf '[agents.%s]\nkind = "command"\ncommand = ["%s/%s.sh"]\nreports_usage = true\n' "$a" "$A" "$a"
  done
} > "$CFG"
new_w() { mkdir -p "$T/w/$1"; echo "Do the work." > "$T/w/$1/PROMPT.md"; echo "$T/w/$1"; }

# --- submit while no daemon runs: it queues ------------------------------
out=$(ralph submit -C "$(new_w q1)" 2>"$T/submit.err")
expect_eq "submit without a daemon prints the task id" "$out" "1"
expect_eq "…and leaves it queued" "$(ralph status 1 --json | jq_ 'd["state"]')" "queued"
grep -q "no ralphd is running" "$T/submit.err" && pass "…and says no daemon runs yet" \
  || fail "submit says no daemon runs" "$(cat "$T/submit.err")"

start_daemon d1
wait_state 1 completed 10 && pass "the queued task runs once a daemon starts" || fail "queued task ran"

# --- submit --wait --json: exit code and JSON of the finished task ---------
set +e
json=$(ralph submit -C "$(new_w w1)" --wait --json 2>"$T/wait.err"); rc=$?
set -e
expect_eq "submit --wait exits 0 on completion" "$rc" "0"
expect_eq "…prints the final state as JSON" "$(jq_ 'd["state"]' <<<"$json")" "completed"
expect_eq "…with its iterations" "$(jq_ 'd["iterations"]' <<<"$json")" "1"
grep -q "iteration 1: ok" "$T/wait.err" && pass "…and progress on stderr" || fail "progress on stderr" "$(cat "$T/wait.err")"

# Wakeup latency: the poll interval is 5 s, so a start within 2 s came from the poke.
start=$(date +%s%N)
ralph submit -C "$(new_w w2)" --wait -q >/dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took" -lt 2000 ] && pass "a submit wakes the daemon at once (${took} ms, poll interval 5 s)" \
  || fail "wakeup took ${took} ms"

# --- budget exit codes through --wait, resume, retry -----------------------
set +e
ralph submit -C "$(new_w r1)" -a third --max-iterations 1 --wait -q >/dev/null; rc=$?
set -e
id=$(ralph list --json | jq_ 'd[0]["id"]')
expect_eq "a task stopped by max_iterations exits 3 under --wait" "$rc" "3"
set +e
ralph resume "$id" >/dev/null 2>"$T/resume.err"; rc=$?
set -e
expect_eq "resume without more budget is refused (exit 2)" "$rc" "2"
grep -q "max_iterations" "$T/resume.err" && pass "…naming the budget" || fail "resume message" "$(cat "$T/resume.err")"
set +e
ralph resume "$id" --add-iterations 5 --wait >/dev/null 2>&1; rc=$?
set -e
expect_eq "resume --add-iterations runs it to completion" "$rc" "0"
expect_eq "…continuing the sequence (3 iterations in all)" \
  "$(ralph status "$id" --json | jq_ 'd["iterations"]')" "3"

set +e
ralph submit -C "$(new_w f1)" -a fail --wait -q >/dev/null; rc=$?
set -e
failed=$(ralph list --json | jq_ 'd[0]["id"]')
expect_eq "a failing agent ends consecutive_failures, exit 4" "$rc" "4"
new=$(ralph retry "$failed" 2>/dev/null)
[ "$new" -gt "$failed" ] && pass "retry queues a new task ($new)" || fail "retry id" "$new"
wait_state "$new" failed 10 && pass "…which runs with the same spec" || fail "retried task ran"

# --- logs ------------------------------------------------------------------
logs=$(ralph logs 2)
grep -q "agent says hello" <<<"$logs" && pass "logs prints the agent's output" || fail "logs" "$logs"
id=$(ralph submit -C "$(new_w l1)" -a third --max-iterations 5)
follow=$(timeout 20 "$RALPH_BIN" --state-dir "$STATE" -c "$CFG" logs "$id" -f)
expect_eq "logs -f follows every iteration until the end" "$(grep -c '^call ' <<<"$follow")" "3"
expect_eq "logs --iteration 2 prints that one" "$(ralph logs "$id" --iteration 2 | grep '^call')" "call 2"

# --- cancel reaches a running agent within seconds ---------------------------
wh=$(new_w h1)
id=$(ralph submit -C "$wh" -a hang)
wait_state "$id" running 10 || die "hang task never ran"
for _ in $(seq 100); do [ -s "$wh/agent.pid" ] && break; sleep 0.05; done
apid=$(cat "$wh/agent.pid")
start=$(date +%s%N)
ralph cancel "$id" 2>/dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "cancel ends a running task cancelled" "$(ralph status "$id" --json | jq_ 'd["state"]')" "cancelled"
[ "$took" -lt 2500 ] && pass "…within ${took} ms (agent stopped)" || fail "cancel took ${took} ms"
sleep 0.2
kill -0 "$apid" 2>/dev/null && fail "the cancelled agent is gone" "pid $apid alive" || pass "the cancelled agent is gone"
set +e; ralph cancel "$id" 2>/dev/null; rc=$?; set -e
expect_eq "cancelling a finished task is a no-op (exit 0)" "$rc" "0"
set +e; ralph cancel 9999 2>/dev/null; rc=$?; set -e
expect_eq "cancelling an unknown task exits 2" "$rc" "2"

# --- instances and the HTTP endpoints ---------------------------------------
inst=$(ralph instances --json)
expect_eq "instances lists the daemon as active" "$(jq_ '[i["state"] for i in d if i["pid"]=='"$DAEMON_PID"'][0]' <<<"$inst")" "active"
expect_eq "/healthz" "$(curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz")" "ok"
expect_eq "/readyz" "$(curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz")" "ready"
metrics=$(curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics")
for family in 'ralph_tasks{state="completed"}' 'ralph_iterations_total{agent="done",outcome="ok"}' \
  'ralph_tokens_total{agent="done",model="claude-sonnet-4-5",kind="input"}' 'ralph_cost_usd_total{' \
  'ralph_iteration_duration_seconds_bucket{' 'ralph_budget_exhausted_total{reason="max_iterations"}' \
  'ralph_worker_slots{state="idle"}' 'ralph_store_operation_duration_seconds_bucket{op="claim_batch"'; do
  grep -qF "$family" <<<"$metrics" && pass "/metrics has $family" || fail "/metrics has $family" "$(head -c 3000 <<<"$metrics")"
done

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect_eq "an unknown path is 404" "$(code "http://127.0.0.1:$HTTP_PORT/nope")" "404"

# --- a second daemon on the same store is refused ---------------------------
set +e
timeout 10 "$RALPHD_BIN" --state-dir "$STATE" -c "$CFG" --set daemon.http_listen=off > "$T/second.out" 2>&1; rc=$?
set -e
expect_eq "a second ralphd on the same store exits 1" "$rc" "1"
grep -q "another ralphd (pid $DAEMON_PID) is already running" "$T/second.out" && pass "…naming the first one" \
  || fail "second daemon message" "$(cat "$T/second.out")"
# …and one on the same HTTP port (its own store).
set +e
timeout 10 "$RALPHD_BIN" --state-dir "$T/other" -c "$CFG" --set "daemon.http_listen=127.0.0.1:$HTTP_PORT" > "$T/port.out" 2>&1; rc=$?
set -e
expect_eq "a second ralphd on a busy HTTP port exits 1" "$rc" "1"
grep -q "already in use" "$T/port.out" && pass "…saying the address is in use" || fail "port message" "$(cat "$T/port.out")"

# --- a token guards every endpoint, and never reaches the log ----------------
token="tok-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
RALPH_DAEMON_HTTP_TOKEN="$token" timeout 20 "$RALPHD_BIN" --state-dir "$T/tokened" -c /dev/null \
  --set daemon.http_listen=127.0.0.1:0 > "$T/tokened.log" 2>&1 &
tpid=$!
E2E_PIDS+=("$tpid")
for _ in $(seq 200); do grep -q "started as" "$T/tokened.log" && break; sleep 0.02; done
tport=$(sed -n 's/.*http: listening on [0-9.]*:\([0-9]*\).*/\1/p' "$T/tokened.log")
expect_eq "with a token, /metrics without it is 401" "$(code "http://127.0.0.1:$tport/metrics")" "401"
expect_eq "…and with a wrong one" "$(code -H "Authorization: Bearer nope" "http://127.0.0.1:$tport/healthz")" "401"
expect_eq "…and 200 with it" "$(code -H "Authorization: Bearer $token" "http://127.0.0.1:$tport/metrics")" "200"
kill -TERM "$tpid"; wait "$tpid" || true
grep -q "$token" "$T/tokened.log" && fail "the token is not in the log" || pass "the token is not in the log"
RALPH_DAEMON_HTTP_TOKEN="$token" "$RALPH_BIN" --state-dir "$T/tokened" -c /dev/null config show > "$T/show.out"
grep -q "$token" "$T/show.out" && fail "config show masks the token" || pass "config show masks the token"

# --- reload -----------------------------------------------------------------
sed -i 's/max_concurrent = 2/max_concurrent = 3/' "$CFG"
kill -HUP "$DAEMON_PID"
for _ in $(seq 100); do grep -q "reloaded the configuration: 3 slots" "$DAEMON_LOG" && break; sleep 0.05; done
grep -q "reloaded the configuration: 3 slots" "$DAEMON_LOG" && pass "SIGHUP reloads the configuration" || fail "reload"
printf 'bogus = [\n' >> "$CFG"
kill -HUP "$DAEMON_PID"
for _ in $(seq 100); do grep -q "reload failed" "$DAEMON_LOG" && break; sleep 0.05; done
grep -q "reload failed, keeping the running configuration" "$DAEMON_LOG" && pass "a broken config on reload is refused" \
  || fail "bad reload"
kill -0 "$DAEMON_PID" && pass "…and the daemon keeps running" || fail "daemon died on bad reload"
sed -i '$d' "$CFG"

# --- drain: SIGTERM during an iteration --------------------------------------
id=$(ralph submit -C "$(new_w s1)" -a slow --max-iterations 3)
wait_state "$id" running 10 || die "slow task never ran"
sleep 0.3
stop_daemon TERM 20
expect_eq "a drained daemon exits 0" "$DAEMON_RC" "0"
st=$(ralph status "$id" --json)
expect_eq "the drained task is queued again" "$(jq_ 'd["state"]' <<<"$st")" "queued"
# Every iteration an agent started is recorded (one, or more on a slow
# machine where the signal came later), and the loop stopped at the drain.
expect_eq "…with its running iteration recorded" "$(jq_ 'd["iterations"]' <<<"$st")" "$(wc -l < "$T/w/s1/.runs" | tr -d ' ')"
[ "$(jq_ 'd["iterations"]' <<<"$st")" -lt 3 ] && pass "…and no iteration after the drain began" || fail "the drain stopped the loop"
grep -q "released to the queue" "$DAEMON_LOG" && pass "…and the log says so" || fail "drain log line"
start_daemon d2
wait_state "$id" stopped 20 && pass "after a restart it continues to its budget" || fail "drained task resumed"
its=$(ralph status "$id" --json --iterations | jq_ '",".join(str(i["seq"]) for i in d["iteration_records"])')
expect_eq "…with contiguous iterations" "$its" "1,2,3"
stop_daemon TERM 20

# --- systemd: sd_notify messages and journald-style lines --------------------
python3 - "$T/notify.sock" > "$T/notify.out" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    msg = s.recv(4096).decode()
    print(msg.replace("\n", " | "), flush=True)
PY
E2E_PIDS+=("$!")
for _ in $(seq 100); do grep -q bound "$T/notify.out" && break; sleep 0.05; done
: > "$T/journal.log"
journal_id=$(stat -c '%d:%i' "$T/journal.log")
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=1000000 JOURNAL_STREAM="$journal_id" \
  "$RALPHD_BIN" --state-dir "$STATE" -c "$CFG" --set daemon.http_listen=off 2>>"$T/journal.log" &
spid=$!
E2E_PIDS+=("$spid")
for _ in $(seq 100); do grep -q "READY=1" "$T/notify.out" && break; sleep 0.05; done
sleep 1.2 # one watchdog period
kill -TERM "$spid"; wait "$spid" || true
grep -q "READY=1" "$T/notify.out" && pass "sd_notify READY=1" || fail "READY=1" "$(cat "$T/notify.out")"
grep -q "STATUS=0 running, [0-9]* queued, 3 slots" "$T/notify.out" && pass "sd_notify STATUS with counts" \
  || fail "STATUS" "$(cat "$T/notify.out")"
grep -q "WATCHDOG=1" "$T/notify.out" && pass "sd_notify WATCHDOG=1 at half of WatchdogSec" || fail "WATCHDOG" "$(cat "$T/notify.out")"
grep -q "STOPPING=1" "$T/notify.out" && pass "sd_notify STOPPING=1 on SIGTERM" || fail "STOPPING" "$(cat "$T/notify.out")"
head -n 1 "$T/journal.log" | grep -q '^<6>' && pass "journald lines carry a priority and no timestamp" \
  || fail "journald format" "$(head -n 3 "$T/journal.log")"
grep -q '^20[0-9][0-9]-' "$T/journal.log" && fail "no timestamps under journald" || pass "no timestamps under journald"

# --- start-up faults ---------------------------------------------------------
set +e
ralph submit -C "$T/w/nowhere" >/dev/null 2>"$T/e1"; rc=$?
set -e
expect_eq "submit to a missing workdir exits 2" "$rc" "2"
grep -q "does not exist" "$T/e1" && pass "…saying so" || fail "missing workdir message" "$(cat "$T/e1")"
before=$(ralph list --json | jq_ 'len(d)')
set +e
ralph submit -C "$T/w" --set agents.ghost.kind=command --set 'agents.ghost.command=["/nonexistent/agent"]' -a ghost \
  >/dev/null 2>"$T/e2"; rc=$?
set -e
expect_eq "submit for an agent that is not installed exits 2" "$rc" "2"
grep -q "is not installed" "$T/e2" && pass "…saying so" || fail "not installed message" "$(cat "$T/e2")"
expect_eq "…and queues nothing" "$(ralph list --json | jq_ 'len(d)')" "$before"

mkdir -p "$T/ro"; chmod 500 "$T/ro"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups); chmod 755 "$T"
else asuser=(); fi
set +e
timeout 10 "${asuser[@]}" "$RALPHD_BIN" --state-dir "$T/ro/state" -c /dev/null --set daemon.http_listen=off >"$T/e3" 2>&1; rc=$?
set -e
if [ "${#asuser[@]}" -gt 0 ] || [ "$(id -u)" != 0 ]; then
  expect_eq "ralphd with an unwritable state directory exits 1" "$rc" "1"
  grep -qi "not writable\|cannot create the state directory\|permission denied" "$T/e3" && pass "…saying why" \
    || fail "unwritable message" "$(cat "$T/e3")"
else
  echo "skip - unwritable state dir: running as root without setpriv"
fi
mkdir -p "$T/bad"; head -c 8192 /dev/urandom > "$T/bad/ralph.db"; sum=$(sha256sum < "$T/bad/ralph.db")
set +e
timeout 10 "$RALPHD_BIN" --state-dir "$T/bad" -c /dev/null --set daemon.http_listen=off >"$T/e4" 2>&1; rc=$?
set -e
expect_eq "ralphd on a corrupt store exits 1" "$rc" "1"
grep -q "not a ralph store" "$T/e4" && pass "…saying so" || fail "corrupt message" "$(cat "$T/e4")"
expect_eq "…and leaves the file untouched" "$(sha256sum < "$T/bad/ralph.db")" "$sum"
set +e
timeout 10 "$RALPHD_BIN" --state-dir "$T/x" -c /dev/null --set daemon.http_listen=0.0.0.0:0 >"$T/e5" 2>&1; rc=$?
set -e
expect_eq "a non-loopback HTTP bind without a token is refused" "$rc" "2"
grep -q "http_token" "$T/e5" && pass "…naming daemon.http_token" || fail "token message" "$(cat "$T/e5")"

# A store locked by another process: the CLI gives up after the busy timeout.
python3 - "$STATE/ralph.db" > "$T/locker.out" 2>&1 <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(5)
PY
locker=$!
E2E_PIDS+=("$locker")
for _ in $(seq 100); do grep -q locked "$T/locker.out" && break; sleep 0.05; done
set +e
ralph --set "store.url=sqlite://$STATE/ralph.db?busy_timeout_ms=300" submit -C "$(new_w lk)" >/dev/null 2>"$T/e6"; rc=$?
set -e
expect_eq "submit to a locked store exits 1" "$rc" "1"
grep -qi "locked\|busy" "$T/e6" && pass "…saying it is locked" || fail "locked message" "$(cat "$T/e6")"
wait "$locker" || true
expect_eq "…and queued nothing" "$(ralph list --json | jq_ 'len(d)')" "$before"

e2e_finish
