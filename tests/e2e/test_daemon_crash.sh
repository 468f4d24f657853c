#!/usr/bin/env bash
# Crash recovery: 20 tasks of 5 iterations run under a ralphd that is killed
# with -9 at 10 random moments and restarted each time. Every task must
# complete exactly once, with contiguous iteration numbers, totals equal to
# the sum of its iteration records, and no agent of a killed daemon left
# running beside its successor.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init crash
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

TASKS=${CRASH_TASKS:-20}
KILLS=${CRASH_KILLS:-10}
A="$T/agents"; mkdir -p "$A"
# Each call counts itself in the workdir, works a random 0.1-0.4 s, reports
# usage, and declares completion on its fifth recorded call. A second agent
# on the same workdir at the same time finds its predecessor's pid alive
# (a zombie awaiting its reaper does not count).
write_agent "$A/steady.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
if [ -f .agent-pid ]; then
  prev=$(cat .agent-pid)
  st=$(awk '{print $3}' "/proc/$prev/stat" 2>/dev/null || true)
  case "$st" in ""|Z|X) ;; *) echo "pid $$ started while $prev ($st) still ran" >> ../overlaps ;; esac
fi
echo $$ > .agent-pid
n=$(( $(cat .count 2>/dev/null || echo 0) + 1 )); echo $n > .count
sleep 0.$(( RANDOM % 4 + 1 ))
echo '{"type":"usage","input_tokens":1000,"output_tokens":100,"cost_usd":0.002,"model":"claude-sonnet-4-5"}'
echo "call $n"
[ "$n" -ge 5 ] && echo LOOP_COMPLETE
exit 0
SH
printf '[loop]\nagent = "steady"\nmax_iterations = 50\nloop_detect_repeats = 0\n[git]\nenabled = false\n' > "$CFG"
printf '[daemon]\nmax_concurrent = 8\n[agents.steady]\nkind = "command"\ncommand = ["%s/steady.sh"]\nreports_usage = true\n' \
  "$A" >> "$CFG"

mkdir -p "$T/w"
for i in $(seq "$TASKS"); do
  mkdir -p "$T/w/$i"; echo "work" > "$T/w/$i/PROMPT.md"
  ralph submit -q -C "$T/w/$i" >/dev/null
done
start_daemon run0
for k in $(seq "$KILLS"); do
  sleep "0.$(( RANDOM % 9 + 2 ))"
  kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true
  start_daemon "run$k"
done
for _ in $(seq 1200); do
  left=$(ralph list --json -n 1000 | jq_ 'len([t for t in d if t["state"] != "completed"])')
  [ "$left" = 0 ] && break
  sleep 0.1
done
expect_eq "all $TASKS tasks completed after $KILLS kill -9s" "$left" "0"
stop_daemon TERM 30

python3 - "$STATE/ralph.db" "$TASKS" > "$T/check.out" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2]); bad = []
for (tid,) in db.execute("SELECT id FROM tasks ORDER BY id"):
    seqs = [r[0] for r in db.execute("SELECT seq FROM iterations WHERE task_id=? ORDER BY seq", (tid,))]
    if seqs != list(range(1, len(seqs) + 1)): bad.append(f"task {tid}: seqs {seqs}")
    fin = db.execute("SELECT count(*) FROM events WHERE task_id=? AND type='finished'", (tid,)).fetchone()[0]
    if fin != 1: bad.append(f"task {tid}: finished {fin} times")
    t = db.execute("SELECT last_seq, input_tokens, output_tokens, cost_usd, runtime_ms FROM tasks WHERE id=?", (tid,)).fetchone()
    s = db.execute("SELECT count(*), coalesce(sum(input_tokens),0), coalesce(sum(output_tokens),0), "
                   "coalesce(sum(cost_usd),0), coalesce(sum(finished_at-started_at),0) FROM iterations WHERE task_id=?", (tid,)).fetchone()
    if t[:3] != s[:3] or abs(t[3] - s[3]) > 1e-9 or t[4] != s[4]: bad.append(f"task {tid}: totals {t} != sums {s}")
takeovers = db.execute("SELECT count(*) FROM events WHERE type='taken_back'").fetchone()[0]
print(f"tasks={db.execute('SELECT count(*) FROM tasks').fetchone()[0]} takeovers={takeovers}")
print("\n".join(bad) if bad else "consistent")
PY
cat "$T/check.out"
expect_eq "every task: iterations contiguous, finished once, totals = sum of records" "$(tail -n 1 "$T/check.out")" "consistent"
grep -q "takeovers=[1-9]" "$T/check.out" && pass "the kills really interrupted running tasks" || fail "no takeover happened"
if [ -f "$T/w/overlaps" ]; then fail "no two agents ever worked on one task at once" "$(wc -l < "$T/w/overlaps") overlaps"
else pass "no two agents ever worked on one task at once"; fi
e2e_finish
