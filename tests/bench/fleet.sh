#!/usr/bin/env bash
# Fleet figures on PostgreSQL (a benchmark that prints numbers, not a test):
#  1. claim+complete throughput of N one-iteration tasks with a no-op agent,
#     one ralphd x 8 slots unbatched (daemon.claim_batch = 1) and batched
#     (the default), and two ralphd x 8 slots on one database;
#  2. graphile-worker 0.17.3 (npm) running N no-op jobs with concurrency 8 on
#     the same server (another database), interleaved with 1., medians of R
#     rounds, and the ratio;
#  3. takeover time, signal -> the task's agent starting on the other daemon,
#     after kill -9 and after SIGSTOP of the owner, with ralphd's default
#     timing (p50 and max of K trials each).
# Runs under the test services (a private PostgreSQL):
#   CI=true scripts/with-test-services.sh --no-redis -- bash tests/bench/fleet.sh [options]
# (started without RALPH_TEST_PG_URL it re-runs itself that way).
# Options: --tasks N (1000)  --rounds R (3)  --trials K (10)
#          --ralph PATH  --ralphd PATH (build/release)  --skip-graphile
# Needs psql, cc (static libc), node >= 18 and npm with the registry reachable.
# FLEET_BENCH_KEEP=1 keeps the temporary directory (daemon logs) at exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RALPH=$root/build/release/cli/ralph
RALPHD=$root/build/release/daemon/ralphd
TASKS=1000 ROUNDS=3 TRIALS=10 GRAPHILE=1
GW_VERSION=0.17.3
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) TASKS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --trials) TRIALS=$2; shift 2 ;;
    --ralph) RALPH=$2; shift 2 ;;
    --ralphd) RALPHD=$2; shift 2 ;;
    --skip-graphile) GRAPHILE=0; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fleet.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$TASKS" "$ROUNDS" "$TRIALS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "fleet.sh: counts must be positive integers" >&2; exit 2; }
done
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$root/scripts/with-test-services.sh" --no-redis -- bash "$0" "${args[@]}"
fi
for tool in psql cc node npm; do
  command -v "$tool" >/dev/null || { echo "fleet.sh: $tool is required" >&2; exit 1; }
done
if [ ! -x "$RALPH" ] || [ ! -x "$RALPHD" ]; then echo "fleet.sh: no $RALPH or $RALPHD (build the release preset)" >&2; exit 1; fi

T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-fleet-bench.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local p line
  # Background jobs not reaped yet: the daemons, workers and pollers still running.
  for p in $(jobs -p); do kill -CONT "$p" 2>/dev/null || true; kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Holding agents whose daemon died before it could stop them (third field of a stamp).
  if [ -f "$T/stamps" ]; then
    while read -r _ _ p; do
      if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$T/hold" ]; then kill -9 "$p" 2>/dev/null || true; fi
    done < "$T/stamps"
  fi
  for line in fleet_ralph fleet_gw; do
    psql "$RALPH_TEST_PG_URL" -qAt -c "DROP DATABASE IF EXISTS $line WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [ "${FLEET_BENCH_KEEP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
die() { echo "fleet.sh: $*" >&2; exit 1; }
now_ns() { date +%s%N; }

# --- databases ------------------------------------------------------------------
base=${RALPH_TEST_PG_URL%/*}
RDB=$base/fleet_ralph
GDB=$base/fleet_gw
for db in fleet_ralph fleet_gw; do
  psql "$RALPH_TEST_PG_URL" -qAt -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
done
q() { psql "$1" -qAtX -v ON_ERROR_STOP=1 -c "$2"; }

# --- agents: tiny static C programs, so the figures are ralphd's -----------------
# "noop" prints the promise. "hold" appends "<CLOCK_REALTIME ns> <RALPH_OWNER>
# <pid>" to $STAMPS; if the file $HOLD names its owner it then sleeps (the
# long-running agent of the daemon that will be killed), else it completes.
cat > "$T/noop.c" <<'C'
#include <unistd.h>
int main(void) { static const char m[] = "LOOP_COMPLETE\n"; return write(1, m, sizeof m - 1) == sizeof m - 1 ? 0 : 1; }
C
cat > "$T/hold.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
  const char *owner = getenv("RALPH_OWNER"), *stamps = getenv("STAMPS"), *hold = getenv("HOLD");
  if (!owner || !stamps || !hold) return 2;
  char line[512];
  int n = snprintf(line, sizeof line, "%lld %s %ld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, owner, (long)getpid());
  int fd = open(stamps, O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (fd < 0 || write(fd, line, (size_t)n) != n) return 1;
  close(fd);
  char want[256] = {0};
  int h = open(hold, O_RDONLY);
  if (h >= 0) { ssize_t k = read(h, want, sizeof want - 1); if (k > 0) want[k] = 0; close(h); }
  want[strcspn(want, "\n")] = 0;
  if (strcmp(want, owner) == 0) { sleep(600); return 1; }
  static const char done[] = "LOOP_COMPLETE\n";
  return write(1, done, sizeof done - 1) == sizeof done - 1 ? 0 : 1;
}
C
cc -O2 -static -o "$T/noop" "$T/noop.c"
cc -O2 -static -o "$T/hold" "$T/hold.c"
# What one agent start costs on this machine at the least: posix_spawn + wait
# of the no-op agent, one after the other (ralphd starts its agents the same way).
cat > "$T/spawn.c" <<'C'
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
int main(int argc, char **argv) {
  if (argc != 3) return 2;
  int n = atoi(argv[2]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  char *av[] = {argv[1], NULL};
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) {
    pid_t p; int st;
    if (posix_spawn(&p, argv[1], &fa, NULL, av, environ) != 0 || waitpid(p, &st, 0) != p) return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.0f", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 1e3);
  return 0;
}
C
cc -O2 -o "$T/spawn" "$T/spawn.c"
mkdir -p "$T/w"; echo go > "$T/w/PROMPT.md"
# Only what the figures need is set; daemon timing (poll_interval,
# heartbeat_interval, instance_ttl) stays at ralphd's defaults.
cat > "$T/fleet.toml" <<EOF2
[store]
url = "$RDB"
[loop]
agent = "noop"
max_iterations = 1
[git]
enabled = false
[daemon]
max_concurrent = 8
http_listen = "off"
[agents.noop]
kind = "command"
command = ["$T/noop"]
[agents.hold]
kind = "command"
command = ["$T/hold"]
EOF2
export STAMPS="$T/stamps" HOLD="$T/hold-owner"
ralph() { "$RALPH" --state-dir "$T/cli" -c "$T/fleet.toml" "$@"; }

# start_ralphd NAME [ARGS...]: starts a daemon with its own state directory; sets DPID, DLOG.
start_ralphd() {
  DLOG="$T/$1.log"
  "$RALPHD" --state-dir "$T/state-$1" -c "$T/fleet.toml" "${@:2}" >>"$DLOG" 2>&1 &
  DPID=$!
}
# wait_started PID LOG: until "started as"; sets DID, the instance id.
wait_started() {
  local i
  for i in $(seq 1000); do
    if grep -q "started as" "$2" 2>/dev/null; then
      DID=$(sed -n 's/.* started as \(.*\): [0-9]* slots.*/\1/p' "$2" | tail -n 1)
      return 0
    fi
    kill -0 "$1" 2>/dev/null || die "ralphd exited at start-up: $(tail -n 5 "$2")"
    sleep 0.01
  done
  die "ralphd did not start: $(tail -n 5 "$2")"
}
# stop_pid PID: SIGTERM, then SIGKILL after 15 s; reaps it.
stop_pid() {
  local i
  kill -CONT "$1" 2>/dev/null || true
  kill -TERM "$1" 2>/dev/null || true
  for i in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  # Grouped, so bash's "Killed" notice goes to /dev/null too.
  { kill -9 "$1"; wait "$1"; } 2>/dev/null || true
}

# --- graphile-worker from npm, and a poller that uses its pg driver -------------
GW=$T/gw
mkdir -p "$GW"
(cd "$GW" && npm init -y >/dev/null 2>&1 &&
  npm install --no-audit --no-fund --loglevel=error "graphile-worker@$GW_VERSION" >"$T/npm.log" 2>&1) ||
  die "npm install graphile-worker@$GW_VERSION failed: $(tail -n 5 "$T/npm.log")"
gw_installed=$(node -p "require('$GW/node_modules/graphile-worker/package.json').version")
# poll.js URL SQL OUT: connects, writes OUT.ready, runs SQL (one column n)
# every 5 ms until n = 0, then writes "Date.now() (ms) polls" to OUT.
cat > "$GW/poll.js" <<'JS'
const fs = require("fs");
const { Client } = require("pg");
const [url, sql, out] = process.argv.slice(2);
(async () => {
  const c = new Client({ connectionString: url });
  await c.connect();
  fs.writeFileSync(out + ".ready", "");
  const deadline = Date.now() + 900_000;
  let polls = 0;
  for (;;) {
    const r = await c.query(sql);
    polls++;
    if (Number(r.rows[0].n) === 0) break;
    if (Date.now() > deadline) throw new Error("not drained after 900 s");
    await new Promise((res) => setTimeout(res, 5));
  }
  fs.writeFileSync(out, `${Date.now()} ${polls}\n`);
  await c.end();
})().catch((e) => { console.error(e); process.exit(1); });
JS
# gw-worker.js: graphile-worker's run() with a task list whose one task does
# nothing; writes the time of the first job:start to $GW_FIRST; stops on SIGTERM.
cat > "$GW/gw-worker.js" <<'JS'
const fs = require("fs");
const { EventEmitter } = require("events");
const { run } = require("graphile-worker");
const events = new EventEmitter();
let first = 0;
events.on("job:start", () => {
  if (!first) { first = Date.now(); fs.writeFileSync(process.env.GW_FIRST, String(first)); }
});
(async () => {
  const runner = await run({
    connectionString: process.env.GW_URL,
    concurrency: Number(process.env.GW_CONCURRENCY),
    noHandleSignals: true,
    events,
    taskList: { noop: async () => {} },
  });
  const stop = async () => { await runner.stop(); process.exit(0); };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  await runner.promise;
})().catch((e) => { console.error(e); process.exit(1); });
JS
if [ "$GRAPHILE" = 1 ]; then
  (cd "$GW" && node -e "require('graphile-worker').runMigrations({connectionString: process.argv[1]}).then(() => process.exit(0), e => { console.error(e); process.exit(1); })" "$GDB") \
    >"$T/gw-migrate.log" 2>&1 || die "graphile-worker migration failed: $(tail -n 5 "$T/gw-migrate.log")"
fi

# --- machine facts ---------------------------------------------------------------------
pg_version=$(q "$RDB" "SHOW server_version")
pg_settings=$(q "$RDB" "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','shared_buffers','max_connections')")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ralph migrate >/dev/null
cfg=$(ralph config show 2>/dev/null || true)
dflt() { sed -n "s/^daemon\.$1 *= *\([^ #]*\).*/\1/p" <<<"$cfg" | head -n 1; }
echo "== tests/bench/fleet.sh ${args[*]}"
echo "machine: nproc $(nproc), ${cpu:-cpu ?}, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "PostgreSQL $pg_version on 127.0.0.1 (TCP), $pg_settings (as scripts/with-test-services.sh starts it)"
spawn_us=$("$T/spawn" "$T/noop" 300)
echo "process start: posix_spawn + waitpid of the static no-op agent, one after the other: $spawn_us us each ($((1000000 / spawn_us))/s); ralphd pays at least this per task"
echo "ralph: $("$RALPH" --version 2>&1 | head -n 1) ($RALPH); node $(node --version); graphile-worker $gw_installed (npm)"
echo "ralphd timing (defaults, not set by this bench): poll_interval $(dflt poll_interval), heartbeat_interval $(dflt heartbeat_interval), instance_ttl $(dflt instance_ttl)"
echo

# --- 1 and 2: throughput -----------------------------------------------------------
ralph submit -q -a noop -C "$T/w" >/dev/null
q "$RDB" "SELECT spec FROM tasks ORDER BY id LIMIT 1" > "$T/spec.json"
# The claim routes by the task's agent column (capability routing), so the
# rows inserted below carry it too.
AGENT=$(q "$RDB" "SELECT agent FROM tasks ORDER BY id LIMIT 1")

# drain_wait POLLER_PID OUT PID...: waits for the poller while the workers
# live; sets T_END (ms) to when the poller saw the queue empty, POLLS to
# the number of its queries.
drain_wait() {
  local poller=$1 out=$2 p
  shift 2
  while kill -0 "$poller" 2>/dev/null; do
    for p in "$@"; do
      kill -0 "$p" 2>/dev/null || { kill "$poller" 2>/dev/null || true; die "worker $p exited before the queue drained"; }
    done
    sleep 0.02
  done
  wait "$poller" || die "the poller failed"
  read -r T_END POLLS < "$out"
}
# start_poller URL SQL: sets POLLER and POLL_OUT once it is connected.
start_poller() {
  POLL_OUT="$T/poll.$RANDOM$RANDOM"
  (cd "$GW" && exec node poll.js "$1" "$2" "$POLL_OUT") &
  POLLER=$!
  for _ in $(seq 1000); do [ -f "$POLL_OUT.ready" ] && return 0; sleep 0.01; done
  die "the poller did not connect"
}

# CPU used so far, in clock ticks: "ticks own PID" (utime+stime, all threads),
# "ticks agents PID" (its reaped children), "ticks pg DATADIR" (the PostgreSQL
# server: the postmaster, the backends it reaped and the live ones; empty
# when unreadable).
cat > "$T/ticks.py" <<'PY'
import os, sys
def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[1]), [int(x) for x in rest[11:15]]  # ppid; utime stime cutime cstime
what, arg = sys.argv[1], sys.argv[2]
if what == "own":
    print(sum(stat(arg)[1][:2]))
elif what == "agents":
    print(sum(stat(arg)[1][2:]))
else:
    try:
        with open(os.path.join(arg, "postmaster.pid")) as f:
            pm = int(f.readline())
        total = sum(stat(pm)[1])
    except (OSError, ValueError):
        print("")
        sys.exit()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid, t = stat(d)
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pm:
                total += t[0] + t[1]
    print(total)
PY
HZ=$(getconf CLK_TCK)
ticks() { python3 "$T/ticks.py" "$1" "$2"; }
pg_ticks() { ticks pg "${RALPH_TEST_PG_DATA:-/nonexistent}"; }
per_task_ms() { # TICKS -> CPU ms per task ("?" when unknown)
  if [ -z "$1" ]; then echo "?"; else python3 -c "print(f'{$1 * 1000 / $HZ / $TASKS:.2f}')"; fi
}
delta() { if [ -n "$1" ] && [ -n "$2" ]; then echo $(($2 - $1)); fi; }
# Busy ticks of the whole machine so far (all CPUs), from /proc/stat.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
# other_pct BUSY0 BUSY1 OURS T0_NS T1_NS: CPU that other processes (and the
# poller) used between T0 and T1, in % of the machine (all CPUs).
# Transactions committed in database URL so far (flushed by sessions that ended).
xacts() { q "$1" "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"; }
# per_task_xacts X0 X1: transactions per task in between, less the poller's.
per_task_xacts() { python3 -c "print(f'{($2 - $1 - $POLLS) / $TASKS:.1f}')"; }
other_pct() {
  python3 -c "import sys; b0, b1, ours, t0, t1 = map(int, sys.argv[1:6]); wall = (t1 - t0) / 1e9 * $HZ * $(nproc); print(f'{max(0, b1 - b0 - ours) * 100 / wall:.0f}')" \
    "$1" "$2" "$3" "$4" "$5"
}

# ralph_run NAME DAEMONS [RALPHD ARGS...]: N tasks queued straight into `tasks` (the spec
# ralph submit wrote), then DAEMONS ralphd x 8 slots. Sets RUN ("wall_rate
# span_rate cpu_daemon cpu_agents cpu_pg other% xacts", CPU in ms per task,
# xacts: PostgreSQL transactions per task), LOST (count of
# "lease lost" warnings) and SPLIT (claims per daemon).
ralph_run() {
  local name=$1 daemons=$2 i t0 first done_n pids=() logs=() pg0 pg1 own=0 agents=0 b0 b1 t1 x0 x1
  shift 2
  q "$RDB" "TRUNCATE tasks, iterations, events, instances RESTART IDENTITY" >/dev/null
  psql "$RDB" -qAtX -v ON_ERROR_STOP=1 -v spec="$(cat "$T/spec.json")" -v agent="$AGENT" -v n="$TASKS" >/dev/null <<'SQL'
INSERT INTO tasks (queue, priority, state, spec, agent, created_at, updated_at)
SELECT 'default', 0, 'queued', :'spec', :'agent', ms, ms
  FROM generate_series(1, :n), (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms) now;
SQL
  start_poller "$RDB" "SELECT count(*) AS n FROM tasks WHERE state IN ('queued','running')"
  x0=$(xacts "$RDB") pg0=$(pg_ticks) b0=$(busy_ticks)
  t0=$(now_ns)
  for i in $(seq "$daemons"); do
    start_ralphd "$name-$i" "$@"; pids+=("$DPID"); logs+=("$DLOG")
  done
  drain_wait "$POLLER" "$POLL_OUT" "${pids[@]}"
  b1=$(busy_ticks) t1=$(now_ns) pg1=$(pg_ticks)
  for i in "${pids[@]}"; do own=$((own + $(ticks own "$i"))); agents=$((agents + $(ticks agents "$i"))); done
  for i in "${pids[@]}"; do stop_pid "$i"; done
  x1=$(xacts "$RDB")
  first=$(q "$RDB" "SELECT min(started_at) FROM tasks")
  done_n=$(q "$RDB" "SELECT count(*) FROM tasks WHERE state = 'completed'")
  [ "$done_n" = "$TASKS" ] || die "only $done_n of $TASKS tasks completed: $(q "$RDB" "SELECT state || ' ' || coalesce(reason, '') || ' ' || count(*) FROM tasks GROUP BY 1")"
  [ "$(q "$RDB" "SELECT count(*) FROM events WHERE type = 'finished'")" = "$TASKS" ] || die "a task finished twice"
  SPLIT=$(q "$RDB" "SELECT string_agg(n::text, '+' ORDER BY n DESC) FROM (SELECT count(*) AS n FROM events WHERE type = 'claimed' GROUP BY data::json->>'owner') x")
  # Each task was claimed once and never taken over, so no lease was lost.
  [ "$(q "$RDB" "SELECT count(*) FROM events WHERE type = 'claimed'")" = "$TASKS" ] || die "a task was claimed twice"
  LOST=$(cat "${logs[@]}" | grep -c ": lease lost" || true)
  RUN="$(rates "$t0" "$first") $(per_task_ms "$own") $(per_task_ms "$agents") $(per_task_ms "$(delta "$pg0" "$pg1")")"
  RUN+=" $(other_pct "$b0" "$b1" "$((own + agents + ${pg1:-0} - ${pg0:-0}))" "$t0" "$t1") $(per_task_xacts "$x0" "$x1")"
}
# rates T0_NS FIRST_MS: "wall_rate span_rate" of TASKS jobs drained at T_END.
rates() {
  python3 -c "import sys; n, t0, te, f = map(int, sys.argv[1:5]); print(f'{n / ((te - t0 / 1e6) / 1e3):.1f} {n / ((te - f) / 1e3):.1f}')" \
    "$TASKS" "$1" "$T_END" "$2"
}

# gw_run: N jobs added with graphile_worker.add_job before the worker starts,
# then one worker with concurrency 8. Sets RUN ("wall_rate span_rate cpu_node
# cpu_pg other% xacts", CPU in ms per job, xacts: transactions per job).
gw_run() {
  local t0 first pid pg0 pg1 own b0 b1 t1 x0 x1
  q "$GDB" "TRUNCATE graphile_worker._private_jobs" >/dev/null
  q "$GDB" "DO \$\$ BEGIN PERFORM graphile_worker.add_job('noop', json_build_object('i', i)) FROM generate_series(1, $TASKS) i; END \$\$" >/dev/null
  [ "$(q "$GDB" "SELECT count(*) FROM graphile_worker._private_jobs")" = "$TASKS" ] || die "add_job did not queue $TASKS jobs"
  rm -f "$T/gw-first"
  start_poller "$GDB" "SELECT count(*) AS n FROM graphile_worker._private_jobs"
  x0=$(xacts "$GDB") pg0=$(pg_ticks) b0=$(busy_ticks)
  t0=$(now_ns)
  (cd "$GW" && GW_URL=$GDB GW_CONCURRENCY=8 GW_FIRST=$T/gw-first exec node gw-worker.js) >>"$T/gw-worker.log" 2>&1 &
  pid=$!
  drain_wait "$POLLER" "$POLL_OUT" "$pid"
  b1=$(busy_ticks) t1=$(now_ns) pg1=$(pg_ticks)
  own=$(ticks own "$pid")
  stop_pid "$pid"
  x1=$(xacts "$GDB")
  first=$(cat "$T/gw-first")
  RUN="$(rates "$t0" "$first") $(per_task_ms "$own") $(per_task_ms "$(delta "$pg0" "$pg1")")"
  RUN+=" $(other_pct "$b0" "$b1" "$((own + ${pg1:-0} - ${pg0:-0}))" "$t0" "$t1") $(per_task_xacts "$x0" "$x1")"
}

# col FILE K: column K of every line; m FILE K: its median ("?" when unknown).
col() { awk -v k="$2" '{print $k}' "$1"; }
m() {
  col "$1" "$2" | python3 -c '
import statistics, sys
v = [float(x) for x in sys.stdin.read().split() if x != "?"]
x = statistics.median(v) if v else None
print("?" if x is None else f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}")'
}
runs() { col "$1" "$2" | paste -sd/ -; }
fmt0() { printf '%.0f' "$1"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
lost=0 splits=()
: > "$T/r1"; : > "$T/r1u"; : > "$T/r2"; : > "$T/g"
for r in $(seq "$ROUNDS"); do
  ralph_run "tp$r-1x8u" 1 --set daemon.claim_batch=1; echo "$RUN" >> "$T/r1u"; lost=$((lost + LOST))
  ralph_run "tp$r-1x8" 1; echo "$RUN" >> "$T/r1"; lost=$((lost + LOST))
  ralph_run "tp$r-2x8" 2; echo "$RUN" >> "$T/r2"; lost=$((lost + LOST)); splits+=("$SPLIT")
  line="  round $r/$ROUNDS, first start -> drained (other processes' CPU): ralph 1x8 unbatched $(col "$T/r1u" 2 | tail -n 1)/s ($(col "$T/r1u" 6 | tail -n 1)%), batched $(col "$T/r1" 2 | tail -n 1)/s ($(col "$T/r1" 6 | tail -n 1)%), ralph 2x8 $(col "$T/r2" 2 | tail -n 1)/s ($(col "$T/r2" 6 | tail -n 1)%, claims split $SPLIT)"
  if [ "$GRAPHILE" = 1 ]; then gw_run; echo "$RUN" >> "$T/g"; line+=", graphile-worker $(col "$T/g" 2 | tail -n 1)/s ($(col "$T/g" 5 | tail -n 1)%)"; fi
  echo "$line"
done
echo "  (other processes' CPU: the machine's busy time minus ralphd + agents + PostgreSQL, or node + PostgreSQL, in % of all CPUs; it includes this bench's poller)"
m1=$(m "$T/r1" 2) m1w=$(m "$T/r1" 1) m2=$(m "$T/r2" 2) m2w=$(m "$T/r2" 1) m1u=$(m "$T/r1u" 2)
cpu_ralph() { echo "per task (medians): CPU ralphd $(m "$1" 3) ms, agents $(m "$1" 4) ms, PostgreSQL $(m "$1" 5) ms; $(m "$1" 7) PostgreSQL transactions"; }
echo "[1] ralph claim+complete, PostgreSQL, 1 ralphd x 8 slots, no-op agent, $TASKS one-iteration tasks: median $(fmt0 "$m1") tasks/s first claim -> drained (runs $(runs "$T/r1" 2)), $(fmt0 "$m1w") tasks/s wall with daemon start; $(cpu_ralph "$T/r1"); queue-design target >= 1000/s (set there for the store alone, without agent processes); cmd: ralphd --state-dir DIR -c fleet.toml ([daemon] max_concurrent = 8, agent = static no-op)"
echo "[1] ralph claim+complete, PostgreSQL, 2 ralphd x 8 slots on one database: median $(fmt0 "$m2") tasks/s first claim -> drained (runs $(runs "$T/r2" 2)), $(fmt0 "$m2w") tasks/s wall; claims per daemon $(IFS=/; echo "${splits[*]}"); $(cpu_ralph "$T/r2"); cmd: 2 x ralphd --state-dir DIR_i -c fleet.toml"
echo "[1] unbatched claims (daemon.claim_batch = 1: one claim transaction per task), 1 ralphd x 8 slots: median $(fmt0 "$m1u") tasks/s (runs $(runs "$T/r1u" 2)); $(cpu_ralph "$T/r1u"); batched (default daemon.claim_batch = 8, the free slots in one transaction) / unbatched: $(ratio "$m1" "$m1u")"
if [ "$GRAPHILE" = 1 ]; then
  mg=$(m "$T/g" 2) mgw=$(m "$T/g" 1)
  echo "[2] graphile-worker $gw_installed, same PostgreSQL (database fleet_gw), concurrency 8, no-op task, $TASKS jobs: median $(fmt0 "$mg") jobs/s first job:start -> _private_jobs empty (runs $(runs "$T/g" 2)), $(fmt0 "$mgw") jobs/s wall with node start; per job (medians): CPU node $(m "$T/g" 3) ms, PostgreSQL $(m "$T/g" 4) ms; $(m "$T/g" 6) PostgreSQL transactions; otherwise defaults (localQueue off, completeJobBatchDelay off: unbatched); cmd: SELECT graphile_worker.add_job('noop', ...) x $TASKS, then node gw-worker.js = run({concurrency: 8, taskList: {noop: async () => {}}})"
  echo "[2] ratio ralph/graphile-worker (medians of $ROUNDS interleaved rounds): 1x8 unbatched $(ratio "$m1u" "$mg"), 1x8 $(ratio "$m1" "$mg") (wall $(ratio "$m1w" "$mgw")), 2x8 $(ratio "$m2" "$mg") (wall $(ratio "$m2w" "$mgw")); ralph starts an agent process per task, graphile-worker calls a JS function in its own process"
fi
echo "    every task was claimed once and completed once; still ralphd logged 'task N: lease lost, stopping its agent' $lost time(s) in these runs (a lease renewal racing the task's own completion)"

# --- 3: takeover ------------------------------------------------------------------
# Per trial: daemon A alone claims a task whose agent holds (sleeps); daemon B
# starts; after a random 0-1 s (so the signal falls anywhere in the heartbeat
# cycle) A is signalled; the figure is signal -> the agent's first
# instruction on B (its CLOCK_REALTIME stamp). Then B completes the task, A
# is resumed (SIGCONT) and stopped, B is stopped.
takeover_trial() { # MODE(kill|stop) TRIAL; sets TOOK (ms, or "timeout")
  local mode=$1 k=$2 a b a_id b_id id t0 stamp i limit
  q "$RDB" "TRUNCATE tasks, iterations, events, instances RESTART IDENTITY" >/dev/null
  : > "$STAMPS"
  start_ralphd "$mode$k-a"; a=$DPID; wait_started "$a" "$DLOG"; a_id=$DID
  echo "$a_id" > "$HOLD"
  id=$(ralph submit -q -a hold -C "$T/w")
  for i in $(seq 1000); do grep -q " $a_id " "$STAMPS" && break; sleep 0.01; done
  grep -q " $a_id " "$STAMPS" || die "task $id did not start on daemon A: $(tail -n 5 "$T/$mode$k-a.log")"
  start_ralphd "$mode$k-b"; b=$DPID; wait_started "$b" "$DLOG"; b_id=$DID
  sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
  t0=$(now_ns)
  if [ "$mode" = kill ]; then { kill -9 "$a"; wait "$a"; } 2>/dev/null || true; else kill -STOP "$a"; fi
  limit=$([ "$mode" = kill ] && echo 3000 || echo 6000) # x 10 ms
  stamp=
  for i in $(seq "$limit"); do
    stamp=$(awk -v o="$b_id" '$2 == o {print $1; exit}' "$STAMPS")
    [ -n "$stamp" ] && break
    sleep 0.01
  done
  for i in $(seq 1000); do [ "$(q "$RDB" "SELECT state FROM tasks WHERE id = $id")" = completed ] && break; sleep 0.02; done
  if [ "$mode" = stop ]; then kill -CONT "$a"; sleep 0.5; fi
  stop_pid "$a"; stop_pid "$b"
  if [ -n "$stamp" ]; then TOOK=$(((stamp - t0) / 1000000)); else TOOK=timeout; fi
}
# An active daemon that was SIGSTOPped and resumed must write nothing for a
# task taken from it: one "finished" event, one iteration.
check_fenced() {
  q "$RDB" "SELECT (SELECT count(*) FROM events WHERE type = 'finished') || ' finished, ' || (SELECT count(*) FROM iterations) || ' iteration(s)'"
}
stats() { # values... ("timeout" counts as a miss)
  python3 - "$@" <<'PY'
import statistics, sys
v = sorted(int(x) for x in sys.argv[1:] if x != "timeout")
miss = sum(1 for x in sys.argv[1:] if x == "timeout")
if not v: print("no takeover seen"); sys.exit()
print(f"p50 {statistics.median(v):.0f} ms, max {v[-1]} ms, min {v[0]} ms over {len(v)} trials" + (f", {miss} without takeover in the time limit" if miss else "") + f" (all: {' '.join(map(str, v))})")
PY
}
kill_ms=() stop_ms=() fence_bad=0
for k in $(seq "$TRIALS"); do
  takeover_trial kill "$k"; kill_ms+=("$TOOK")
  [ "$(check_fenced)" = "1 finished, 1 iteration(s)" ] || fence_bad=$((fence_bad + 1))
done
echo "[3] takeover after kill -9 of the owner (2 ralphd, defaults): $(stats "${kill_ms[@]}"); target <= 3000 ms; cmd: kill -9 <ralphd A> -> agent's first instruction under ralphd B"
for k in $(seq "$TRIALS"); do
  takeover_trial stop "$k"; stop_ms+=("$TOOK")
  [ "$(check_fenced)" = "1 finished, 1 iteration(s)" ] || fence_bad=$((fence_bad + 1))
done
echo "[3] takeover after SIGSTOP of the owner (hung, 2 ralphd, defaults): $(stats "${stop_ms[@]}"); target <= 15000 ms; cmd: kill -STOP <ralphd A> -> agent's first instruction under ralphd B"
echo "    fencing: $((2 * TRIALS - fence_bad)) of $((2 * TRIALS)) trials ended with exactly one finished event and one iteration"
