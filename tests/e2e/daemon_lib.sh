# Helpers for suites that run a private ralphd. Source after lib.sh and
# e2e_init. Every daemon gets the suite's state directory ($STATE) and config
# ($CFG), listens for HTTP on a free loopback port, and is killed at exit.
: "${RALPHD_BIN:?set by ctest}" "${RALPH_BIN:?set by ctest}"

STATE="$T/state"
CFG="$T/ralph.toml"

ralph() { "$RALPH_BIN" --state-dir "$STATE" -c "$CFG" "$@"; }

# start_daemon NAME [ralphd args…]: starts ralphd, waits until it is ready.
# Sets DAEMON_PID, DAEMON_LOG and HTTP_PORT.
start_daemon() {
  local name=$1 i
  shift
  DAEMON_LOG="$T/$name.log"
  "$RALPHD_BIN" --foreground --state-dir "$STATE" -c "$CFG" --set daemon.http_listen=127.0.0.1:0 "$@" \
    >>"$DAEMON_LOG" 2>&1 &
  DAEMON_PID=$!
  E2E_PIDS+=("$DAEMON_PID")
  e2e_log "$DAEMON_LOG"
  for i in $(seq 1 500); do
    grep -q "started as" "$DAEMON_LOG" 2>/dev/null && break
    kill -0 "$DAEMON_PID" 2>/dev/null || die "ralphd exited at start-up: $(tail -n 5 "$DAEMON_LOG")"
    sleep 0.01
  done
  grep -q "started as" "$DAEMON_LOG" || die "ralphd did not start"
  HTTP_PORT=$(sed -n 's/.*http: listening on [0-9.]*:\([0-9]*\).*/\1/p' "$DAEMON_LOG" | tail -n 1)
}

# stop_daemon [SIGNAL=TERM] [TIMEOUT_S=30]: signals ralphd and waits for it.
# Sets DAEMON_RC.
stop_daemon() {
  local sig=${1:-TERM} timeout=${2:-30} i
  kill -s "$sig" "$DAEMON_PID" 2>/dev/null || true
  for i in $(seq 1 $((timeout * 20))); do
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$DAEMON_PID" 2>/dev/null; then kill -9 "$DAEMON_PID"; die "ralphd did not stop within ${timeout}s"; fi
  DAEMON_RC=0
  wait "$DAEMON_PID" 2>/dev/null || DAEMON_RC=$?
}

# wait_state ID STATE [TIMEOUT_S=20]: waits until task ID is in STATE.
wait_state() {
  local id=$1 want=$2 timeout=${3:-20} i got=
  for i in $(seq 1 $((timeout * 20))); do
    got=$(ralph status "$id" --json 2>/dev/null | jq_ 'd["state"]') || true
    [ "$got" = "$want" ] && return 0
    sleep 0.05
  done
  echo "task $id is [$got], not [$want] after ${timeout}s" >&2
  return 1
}

# write_agent PATH <<'SH' … SH: an executable agent script.
write_agent() { cat > "$1"; chmod +x "$1"; }
