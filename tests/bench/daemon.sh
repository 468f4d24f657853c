#!/usr/bin/env bash
# ralphd figures: submit -> agent-start latency (p50/p99) with an idle
# daemon, throughput of N trivial one-iteration tasks with 8 slots, and the
# idle daemon's CPU and its RSS, idle and with 200 sleeping loops.
# Usage: daemon.sh [RALPH_BIN] [RALPHD_BIN] [TASKS=1000]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
RALPH=${1:-$root/build/release/cli/ralph}
RALPHD=${2:-$(dirname "$(dirname "$RALPH")")/daemon/ralphd}
TASKS=${3:-1000}
T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-bench.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/w"; echo "go" > "$T/w/PROMPT.md"
# The agents are tiny static C programs, so the figures are the daemon's, not
# a shell's start-up: "stamp" appends CLOCK_REALTIME in ns to $STAMPS,
# "noop" only prints the promise.
cat > "$T/stamp.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
  char line[32]; int n = snprintf(line, sizeof line, "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
  int fd = open(getenv("STAMPS"), O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (fd < 0 || write(fd, line, (size_t)n) != n) return 1;
  static const char done[] = "LOOP_COMPLETE\n";
  return write(1, done, sizeof done - 1) == sizeof done - 1 ? 0 : 1;
}
C
# "sleeper" only sleeps (an agent that is thinking), for the RSS figure.
printf '#include <unistd.h>\nint main(void){sleep(60); return 0;}\n' > "$T/sleeper.c"
cc -O2 -static -o "$T/sleeper" "$T/sleeper.c"
printf '#include <unistd.h>\nint main(void){static const char m[]="LOOP_COMPLETE\\n"; return write(1,m,sizeof m-1)==sizeof m-1?0:1;}\n' > "$T/noop.c"
cc -O2 -static -o "$T/stamp" "$T/stamp.c"
cc -O2 -static -o "$T/noop" "$T/noop.c"
cat > "$T/ralph.toml" <<EOF2
[loop]
agent = "stamp"
max_iterations = 1
[git]
enabled = false
[daemon]
max_concurrent = 8
http_listen = "off"
[agents.stamp]
kind = "command"
command = ["$T/stamp"]
[agents.noop]
kind = "command"
command = ["$T/noop"]
[agents.sleeper]
kind = "command"
command = ["$T/sleeper"]
[agents.echo]
kind = "command"
command = ["/bin/echo", "LOOP_COMPLETE"]
EOF2
export STAMPS="$T/stamps"
ralph() { "$RALPH" --state-dir "$T/state" -c "$T/ralph.toml" "$@"; }
start() {
  "$RALPHD" --state-dir "$T/state" -c "$T/ralph.toml" >>"$T/ralphd.log" 2>&1 &
  pid=$!
  until grep -q "started as" "$T/ralphd.log" 2>/dev/null; do sleep 0.01; done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# Queue N tasks straight into the store with the spec `ralph submit` wrote for
# the first one, so the figures are the daemon's, not N CLI start-ups.
queue_direct() { # N AGENT
python3 - "$T/state/ralph.db" "$1" "$2" <<'PY'
import sqlite3, sys, time, json
db = sqlite3.connect(sys.argv[1])
spec = json.loads(db.execute("SELECT spec FROM tasks ORDER BY id LIMIT 1").fetchone()[0])
spec["agent"] = sys.argv[3]
now = int(time.time() * 1000)
# The claim routes by the agent column (capability routing), not the spec.
db.executemany("INSERT INTO tasks (queue, priority, state, spec, agent, created_at, updated_at) VALUES ('default', 0, 'queued', ?, ?, ?, ?)",
               [(json.dumps(spec), sys.argv[3], now, now)] * int(sys.argv[2]))
db.commit()
PY
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median_p99() {
  python3 -c 'import sys,statistics as s; v=sorted(float(x) for x in sys.stdin); print(f"p50 {s.median(v):.1f} ms, p99 {v[min(len(v)-1, int(len(v)*0.99))]:.1f} ms, max {v[-1]:.1f} ms (n={len(v)})")'
}

# --- latency: submit -> first line of the agent, idle daemon ---------------
start
: > "$STAMPS"
for i in $(seq 50); do
  before=$(date +%s%N)
  ralph submit -q -C "$T/w" >/dev/null
  until [ "$(wc -l < "$STAMPS")" -ge "$i" ]; do sleep 0.002; done
  echo "$before $(sed -n "${i}p" "$STAMPS")"
done | awk '{printf "%.3f\n", ($2 - $1) / 1e6}' > "$T/latency"
echo "submit -> agent start, ralph submit process included: $(median_p99 < "$T/latency")"
# The daemon's part: from the task's commit in the store to the agent's first instruction.
python3 - "$T/state/ralph.db" "$STAMPS" > "$T/daemon_latency" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
created = [r[0] for r in db.execute("SELECT at FROM events WHERE type='submitted' ORDER BY task_id")]
stamps = [int(x) for x in open(sys.argv[2])]
for c, s in zip(created, stamps): print(f"{s / 1e6 - c:.3f}")
PY
echo "submit committed -> agent start (the daemon's part): $(median_p99 < "$T/daemon_latency")"

# --- idle CPU -----------------------------------------------------------------
sleep 1
t0=$(cpu_ticks "$pid"); sleep 10; t1=$(cpu_ticks "$pid")
hz=$(getconf CLK_TCK)
echo "idle daemon CPU over 10 s: $(python3 -c "print(f'{($t1-$t0)/$hz/10*100:.2f}%')") ($((t1 - t0)) ticks)"
echo "idle daemon RSS: $(( $(rss_kb "$pid") / 1024 )) MB ($(rss_kb "$pid") kB, after 50 tasks)"
stop

# --- RSS with 200 loops whose agents sleep -------------------------------------
sed -i 's/^max_concurrent = 8$/max_concurrent = 200/' "$T/ralph.toml"
queue_direct 200 sleeper
start
until [ "$(pgrep -c -f "^$T/sleeper")" -ge 200 ]; do sleep 0.1; done
sleep 1
echo "RSS with 200 running loops (agents sleeping, not counted): $(( $(rss_kb "$pid") / 1024 )) MB ($(rss_kb "$pid") kB, $(awk '/^Threads/ {print $2}' "/proc/$pid/status") threads)"
kill "$pid"; sleep 0.2; kill "$pid" # the second SIGTERM stops at once and requeues
wait "$pid" 2>/dev/null || true; pid=
pkill -f "^$T/sleeper" || true
sqlite3 "$T/state/ralph.db" "UPDATE tasks SET state='cancelled' WHERE state IN ('queued','running')"
sed -i 's/^max_concurrent = 200$/max_concurrent = 8/' "$T/ralph.toml"

# --- throughput: N one-iteration tasks, 8 slots ------------------------------
throughput() { # AGENT
queue_direct "$TASKS" "$1"
local first before after done_n secs own
first=$(sqlite3 "$T/state/ralph.db" "SELECT max(id) FROM tasks") 
first=$((first - TASKS))
before=$(date +%s%N)
start
until [ "$(sqlite3 "$T/state/ralph.db" "SELECT count(*) FROM tasks WHERE state='queued' OR state='running'")" = 0 ]; do
  sleep 0.02
done
after=$(date +%s%N)
own=$(awk '{print $14 + $15 " ticks own, " $16 + $17 " ticks agents"}' "/proc/$pid/stat")
done_n=$(sqlite3 "$T/state/ralph.db" "SELECT count(*) FROM tasks WHERE state='completed' AND id > $first")
secs=$(python3 -c "print(($after - $before) / 1e9)")
echo "throughput, agent $1: $done_n of $TASKS one-iteration tasks (8 slots, synchronous=FULL) in $(printf %.2f "$secs") s = $(python3 -c "print(f'{$done_n / $secs:.0f}')") tasks/s, daemon start included; CPU: $own"
stop
}
throughput noop
throughput echo
