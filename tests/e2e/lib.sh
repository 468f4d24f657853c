# Shared helpers for the e2e suites. Source it, then call e2e_init:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; e2e_init my_suite
# Gives $T (a private temp dir, removed at exit unless E2E_KEEP=1), pass/fail
# counters, expect_* assertions, skip/die, a JSON query helper and
# start_model_server. End the suite with e2e_finish.

e2e_init() {
  E2E_NAME=${1:-e2e}
  T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-$E2E_NAME.XXXXXX")
  E2E_PASSES=0
  E2E_FAILS=0
  E2E_PIDS=()
  E2E_LOGS=() # files dumped by die() and e2e_finish() when something failed
  trap e2e_cleanup EXIT
}

e2e_cleanup() {
  local pid
  for pid in "${E2E_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Whatever does not stop within 5 s is killed: a hung process must not
  # outlive its suite (it would hold ports and files of the next one).
  local i
  for i in $(seq 50); do
    local alive=0
    for pid in "${E2E_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${E2E_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then echo "e2e: pid $pid did not stop on SIGTERM; killed" >&2; kill -9 "$pid" 2>/dev/null || true; fi
  done
  for pid in "${E2E_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}

pass() { E2E_PASSES=$((E2E_PASSES + 1)); echo "ok   - $1"; }
fail() {
  E2E_FAILS=$((E2E_FAILS + 1)); echo "FAIL - $1"
  [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2"
  return 0
}

# expect_eq DESCRIPTION GOT WANT
expect_eq() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected [$3], got [$2]"; fi; }

# expect_contains DESCRIPTION TEXT NEEDLE
expect_contains() { if [[ "$2" == *"$3"* ]]; then pass "$1"; else fail "$1" "expected to contain [$3], got [$2]"; fi; }

# expect_near DESCRIPTION GOT WANT [TOLERANCE=1e-9]
expect_near() {
  if python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) <= float(sys.argv[3]) else 1)' \
      "$2" "$3" "${4:-1e-9}" 2>/dev/null; then
    pass "$1"
  else
    fail "$1" "expected [$3] within ${4:-1e-9}, got [$2]"
  fi
}

# expect_file DESCRIPTION PATH [CONTENT]: the file exists (and holds exactly CONTENT).
expect_file() {
  if [ ! -f "$2" ]; then fail "$1" "missing file $2"; return 0; fi
  if [ $# -ge 3 ] && [ "$(cat "$2")" != "$3" ]; then
    fail "$1" "file $2 holds [$(head -c 400 "$2")], expected [$3]"
  else
    pass "$1"
  fi
}

# Logs to show when the suite fails: add paths (files or directories).
e2e_log() { E2E_LOGS+=("$@"); }

e2e_dump_logs() {
  local f
  for f in "${E2E_LOGS[@]}"; do
    [ -e "$f" ] || continue
    if [ -d "$f" ]; then
      find "$f" -type f \( -name '*.log' -o -name '*.jsonl' -o -name '*.txt' \) | sort | while read -r g; do
        echo "----- $g (last 40 lines)"; tail -n 40 "$g" | cut -c1-400
      done
    else
      echo "----- $f (last 60 lines)"; tail -n 60 "$f" | cut -c1-400
    fi
  done
}

# die MESSAGE: a failure that ends the suite, with the registered logs.
die() { echo "FATAL - $*"; e2e_dump_logs; exit 1; }

# skip REASON: the suite cannot run here (CTest counts exit 125 as skipped).
skip() { echo "SKIP: $*"; exit 125; }

# require_tool NAME: skip without it; in CI (CI=true) a missing tool fails.
require_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "${CI:-}" = true ]; then die "$1 not found, and CI=true requires it"; fi
  skip "$1 not found"
}

# jq_ EXPR: evaluates a Python expression over the JSON on stdin, bound to d.
jq_() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }

# start_model_server SCENARIO WORKDIR [NAME]: starts tests/model-server with
# SCENARIO ({{workdir}} filled from WORKDIR). Sets MODEL_PORT, MODEL_URL and
# MODEL_LOG (one JSON line per request); stopped at exit.
start_model_server() {
  local scenario=$1 workdir=$2 name=${3:-model-server}
  local dir="$T/$name" i
  mkdir -p "$dir"
  MODEL_LOG="$dir/requests.jsonl"
  : > "$MODEL_LOG"
  python3 "$RALPH_SOURCE_DIR/tests/model-server/model_server.py" --scenario "$scenario" \
    --workdir "$workdir" --port-file "$dir/port" --log "$MODEL_LOG" > "$dir/server.out" 2>&1 &
  E2E_PIDS+=("$!")
  e2e_log "$dir/server.out" "$MODEL_LOG"
  for i in $(seq 1 250); do
    [ -s "$dir/port" ] && break
    kill -0 "$!" 2>/dev/null || die "model server exited at start-up"
    sleep 0.02
  done
  [ -s "$dir/port" ] || die "model server did not start"
  MODEL_PORT=$(cat "$dir/port")
  MODEL_URL="http://127.0.0.1:$MODEL_PORT"
}

# model_usage_sum LOGFILE FIELD: the sum of FIELD (input, output, cache_read,
# cache_write) over every successful model response the server logged.
model_usage_sum() {
  python3 - "$1" "$2" <<'PY'
import json, sys
total = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("status") == 200 and "usage" in e:
        total += e["usage"][sys.argv[2]]
print(total)
PY
}

# new_git_workdir DIR: an empty git repository with a test identity.
new_git_workdir() {
  mkdir -p "$1"
  git -C "$1" init -q
  git -C "$1" config user.name test
  git -C "$1" config user.email test@localhost
}

e2e_finish() {
  echo "$E2E_NAME: $E2E_PASSES passed, $E2E_FAILS failed"
  if [ "$E2E_FAILS" -gt 0 ]; then e2e_dump_logs; exit 1; fi
  exit 0
}
