#!/usr/bin/env bash
# Operations figures on a big store (a benchmark that prints numbers, not a
# test): a SQLite store with TASKS tasks (default 100,000) and 10 iteration
# records each (1,000,000), 3 events each, spread over 70 days; then
#   - `ralph status ID`, `ralph status ID --iterations`, `ralph list`,
#     `ralph list --state queued` and `ralph list --json`: median and max of
#     RUNS calls each (target: <= 50 ms);
#   - scripts/backup.sh (VACUUM INTO + checksummed MANIFEST), then
#     scripts/restore.sh of that backup into a fresh state directory
#     (verify, integrity_check, rename, ralph migrate): the recovery time;
#   - scripts/maintenance.sh --retention 30d (deletes the ~57% of tasks that
#     finished more than 30 days ago, with their iterations and events, then
#     ANALYZE/VACUUM), and a second run that finds nothing to do.
# With --pg (under scripts/with-test-services.sh, which it starts itself) the
# same store is built in a private PostgreSQL and timed with pg_dump -Fc /
# pg_restore instead.
# Usage: ops.sh [--tasks N] [--runs R] [--pg] [--ralph PATH]
#   (ralph defaults to build/release/cli/ralph)
# OPS_BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RALPH=$root/build/release/cli/ralph
TASKS=100000 RUNS=20 PG=0
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) TASKS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --pg) PG=1; shift ;;
    --ralph) RALPH=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ops.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$TASKS" "$RUNS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "ops.sh: counts must be positive integers" >&2; exit 2; }
done
[ -x "$RALPH" ] || { echo "ops.sh: no ralph at $RALPH (build the release preset or pass --ralph)" >&2; exit 1; }
RALPH=$(cd "$(dirname "$RALPH")" && pwd)/$(basename "$RALPH")
if [ "$PG" = 1 ] && [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$root/scripts/with-test-services.sh" --no-redis -- bash "$0" "${args[@]}"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-ops-bench.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ "$PG" = 1 ]; then
    for db in ops_bench ops_restore; do
      psql "$RALPH_TEST_PG_URL" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
  fi
  if [ "${OPS_BENCH_KEEP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# "wall_ms cpu_ms" lines on stdin -> medians and max of both. CPU (user +
# sys of the ralph process) is what the store's size costs; wall also holds
# the wait for a CPU on a loaded machine, so compare it with `ralph --version`.
stats() {
  sort -n | awk '{w[NR] = $1; c[NR] = $2}
    function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
                                   return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { mw = med(w, NR); mx = w[NR]; mc = med(c, NR); printf "wall median %.1f ms (max %.1f), CPU median %.1f ms  (%d runs)\n", mw, mx, mc, NR }'
}
# runs "$@" RUNS times; prints "wall_ms cpu_ms" for each
time_runs() {
  local i TIMEFORMAT='%R %U %S'
  for ((i = 0; i < RUNS; i++)); do
    { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{printf "%.2f %.2f\n", $1 * 1000, ($2 + $3) * 1000}'
  done
}
# seconds (3 decimals) that "$@" takes, its output discarded
time_once() {
  local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
  awk -v d=$((e - s)) 'BEGIN {printf "%.3f s\n", d / 1e9}'
}

export RALPH_STATE_DIR=$T/state
mkdir -p "$T/w" && echo "go" > "$T/w/PROMPT.md"
cat > "$T/ralph.toml" <<EOF
[loop]
agent = "done"
max_iterations = 1
[git]
enabled = false
[agents.done]
kind = "command"
command = ["/bin/echo", "LOOP_COMPLETE"]
EOF
export RALPH_CONFIG=$T/ralph.toml
if [ "$PG" = 1 ]; then
  base=${RALPH_TEST_PG_URL%/*}
  psql "$RALPH_TEST_PG_URL" -qAt -c "CREATE DATABASE ops_bench" >/dev/null
  export RALPH_STORE_URL=$base/ops_bench
  "$RALPH" migrate >/dev/null
else
  export RALPH_STORE_URL=sqlite://$T/state/ralph.db
fi
# One real task, so the generated rows carry a real spec.
(cd "$T/w" && "$RALPH" run >/dev/null 2>&1)

# --- the big store ----------------------------------------------------------------
# Task i finished (100000 - i) minutes ago; every 100th is queued again (a
# resumed task) and every 97th failed. Each has 10 iterations and 3 events.
s=$(now_ms)
if [ "$PG" = 1 ]; then
  psql "$RALPH_STORE_URL" -qAtX -v ON_ERROR_STOP=1 -v n="$TASKS" <<'SQL' >/dev/null
\set now_ms '(extract(epoch from now()) * 1000)::bigint'
INSERT INTO tasks (id, queue, priority, state, reason, spec, agent, lease_epoch, last_seq,
                   input_tokens, output_tokens, cost_usd, runtime_ms, model,
                   created_at, started_at, finished_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT i, CASE WHEN i % 10 = 0 THEN 'ci' ELSE 'default' END, 0,
       CASE WHEN i % 100 = 0 THEN 'queued' WHEN i % 97 = 0 THEN 'failed' ELSE 'completed' END,
       CASE WHEN i % 100 = 0 THEN NULL WHEN i % 97 = 0 THEN 'error' ELSE 'completed' END,
       t.spec, t.agent, 1, 10, 12000, 3400, 0.42, 61000, 'claude-sonnet-4-5',
       f - 700000, f - 610000, CASE WHEN i % 100 = 0 THEN NULL ELSE f END, f
FROM (SELECT spec, agent FROM tasks WHERE id = 1) t,
     LATERAL (SELECT g AS i, :now_ms - ((:n - g)::bigint * 60000) AS f FROM generate_series(2, :n) g) x;
INSERT INTO iterations (task_id, seq, lease_epoch, started_at, finished_at, outcome, exit_code,
                        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd,
                        cost_source, model, session_id, num_turns, promise_found, gates_passed,
                        excerpt, log_path, prompt_path)
SELECT t.id, s, 1, t.started_at + s * 6000, t.started_at + s * 6000 + 5000, 'success', 0,
       1200, 340, 800, 0, 0.042, 'reported', 'claude-sonnet-4-5', 'session-' || t.id, 3, s = 10, NULL,
       'Edited src/parser.cpp; ran the tests; 2 failures left in test_parser.cpp',
       '/var/lib/ralph/tasks/' || t.id || '/iter-' || s || '.log',
       '/var/lib/ralph/tasks/' || t.id || '/prompt-' || s || '.md'
FROM tasks t, generate_series(1, 10) s WHERE t.id > 1;
INSERT INTO events (task_id, at, type, data)
SELECT t.id, t.created_at + k, (ARRAY['submitted','claimed','finished'])[k], '{}'
FROM tasks t, generate_series(1, 3) k WHERE t.id > 1;
SELECT setval(pg_get_serial_sequence('tasks', 'id'), (SELECT max(id) FROM tasks));
ANALYZE;
SQL
else
  sqlite3 -batch -bail "$T/state/ralph.db" <<SQL >/dev/null
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE g AS WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $TASKS)
  SELECT i, CAST(strftime('%s','now') AS INTEGER) * 1000 - ($TASKS - i) * 60000 AS f FROM n;
INSERT INTO tasks (id, queue, priority, state, reason, spec, agent, lease_epoch, last_seq,
                   input_tokens, output_tokens, cost_usd, runtime_ms, model,
                   created_at, started_at, finished_at, updated_at)
SELECT i, CASE WHEN i % 10 = 0 THEN 'ci' ELSE 'default' END, 0,
       CASE WHEN i % 100 = 0 THEN 'queued' WHEN i % 97 = 0 THEN 'failed' ELSE 'completed' END,
       CASE WHEN i % 100 = 0 THEN NULL WHEN i % 97 = 0 THEN 'error' ELSE 'completed' END,
       t.spec, t.agent, 1, 10, 12000, 3400, 0.42, 61000, 'claude-sonnet-4-5',
       f - 700000, f - 610000, CASE WHEN i % 100 = 0 THEN NULL ELSE f END, f
FROM (SELECT spec, agent FROM tasks WHERE id = 1) t, g;
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < 10)
INSERT INTO iterations (task_id, seq, lease_epoch, started_at, finished_at, outcome, exit_code,
                        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd,
                        cost_source, model, session_id, num_turns, promise_found, gates_passed,
                        excerpt, log_path, prompt_path)
SELECT t.id, k, 1, t.started_at + k * 6000, t.started_at + k * 6000 + 5000, 'success', 0,
       1200, 340, 800, 0, 0.042, 'reported', 'claude-sonnet-4-5', 'session-' || t.id, 3, k = 10, NULL,
       'Edited src/parser.cpp; ran the tests; 2 failures left in test_parser.cpp',
       '/var/lib/ralph/tasks/' || t.id || '/iter-' || k || '.log',
       '/var/lib/ralph/tasks/' || t.id || '/prompt-' || k || '.md'
FROM tasks t, s WHERE t.id > 1;
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < 3)
INSERT INTO events (task_id, at, type, data)
SELECT t.id, t.created_at + k, CASE k WHEN 1 THEN 'submitted' WHEN 2 THEN 'claimed' ELSE 'finished' END, '{}'
FROM tasks t, s WHERE t.id > 1;
COMMIT;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
fi
e=$(now_ms)
count() {
  if [ "$PG" = 1 ]; then psql "$RALPH_STORE_URL" -qAtX -c "SELECT count(*) FROM $1"
  else sqlite3 "$T/state/ralph.db" "SELECT count(*) FROM $1"; fi
}
size() {
  if [ "$PG" = 1 ]; then psql "$RALPH_STORE_URL" -qAtX -c "SELECT pg_size_pretty(pg_database_size(current_database()))"
  else du -h "$T/state/ralph.db" | cut -f1; fi
}
kind=SQLite; [ "$PG" = 1 ] && kind=PostgreSQL
echo "== tests/bench/ops.sh ${args[*]}; $("$RALPH" --version 2>&1 | head -n 1); nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "store ($kind): $(count tasks) tasks, $(count iterations) iterations, $(count events) events, $(size); built in $(( (e - s) / 1000 )) s"

# --- reads -------------------------------------------------------------------------
mid=$((TASKS / 2 + 1))
echo "ralph --version (start-up only): $(time_runs "$RALPH" --version | stats)"
echo "ralph status $mid:              $(time_runs "$RALPH" status "$mid" | stats)"
echo "ralph status $mid --iterations: $(time_runs "$RALPH" status "$mid" --iterations | stats)"
echo "ralph list:                     $(time_runs "$RALPH" list | stats)"
echo "ralph list --state queued:      $(time_runs "$RALPH" list --state queued | stats)"
echo "ralph list --json:              $(time_runs "$RALPH" list --json | stats)"

# --- backup and restore --------------------------------------------------------------
export RALPH_BIN=$RALPH
mkdir -p "$T/backups"
echo "backup.sh:                      $(time_once "$root/scripts/backup.sh" --to "$T/backups")"
backup=$(ls -d "$T"/backups/ralph-backup-*)
echo "  backup size:                  $(du -sh "$backup" | cut -f1)"
if [ "$PG" = 1 ]; then
  psql "$RALPH_TEST_PG_URL" -qAt -c "CREATE DATABASE ops_restore" >/dev/null
  restore_url=$base/ops_restore
else
  restore_url=sqlite://$T/restored/ralph.db
fi
echo "restore.sh (fresh store):       $(RALPH_STATE_DIR=$T/restored RALPH_STORE_URL=$restore_url \
  time_once "$root/scripts/restore.sh" --no-logs "$backup")"
restored=$(RALPH_STORE_URL=$restore_url RALPH_STATE_DIR=$T/restored "$RALPH" status "$mid" --json --iterations | grep -c '"seq"' || true)
echo "  the restored store has task $mid with $restored iteration records (expected 10)"

# --- maintenance -----------------------------------------------------------------------
echo "maintenance.sh --retention 30d: $(time_once "$root/scripts/maintenance.sh" --retention 30d)"
echo "  left: $(count tasks) tasks, $(count iterations) iterations, $(count events) events, $(size)"
echo "maintenance.sh again (no-op):   $(time_once "$root/scripts/maintenance.sh" --retention 30d)"
echo "ralph list after maintenance:   $(time_runs "$RALPH" list | stats)"
