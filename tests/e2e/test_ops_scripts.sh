#!/usr/bin/env bash
# scripts/backup.sh, restore.sh, maintenance.sh, health-check.sh and
# scripts/cron/ralph, end to end against a private ralphd with scripted agents:
# - a backup taken while 10 tasks run restores into a fresh state directory
#   with every finished task, every iteration record and byte-identical logs,
#   and a ralphd on the restored store finishes the tasks that were running;
# - corrupt, truncated and tampered backups are refused (exit 4) and the
#   store stays byte for byte as it was;
# - restore is refused while ralphd holds the store (exit 3), allowed after;
# - maintenance prunes only old finished tasks (with iterations, events and
#   logs), keeps queued/running/recent ones, is idempotent, never overlaps;
# - health-check passes with ralphd up and fails (exit 1, a FAIL line) without;
# - the same backup/restore round trip on PostgreSQL, when it is installed
#   (scripts/with-test-services.sh; skipped, and said so, otherwise).
# Prints the measured backup and restore times.
# shellcheck disable=SC2015,SC2317 # `check && pass || fail` as in every suite; functions called through wait_for
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${RALPH_SOURCE_DIR:=$(cd "$here/../.." && pwd)}"
: "${RALPH_BIN:=$RALPH_SOURCE_DIR/build/dev/cli/ralph}" "${RALPHD_BIN:=$RALPH_SOURCE_DIR/build/dev/daemon/ralphd}"
RALPH_BIN=$(realpath "$RALPH_BIN"); RALPHD_BIN=$(realpath "$RALPHD_BIN")
export RALPH_SOURCE_DIR RALPH_BIN RALPHD_BIN
part=main
if [ "${1:-}" = --pg-part ]; then part=pg; fi

# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"
e2e_init "ops_scripts_$part"
# shellcheck source=tests/e2e/daemon_lib.sh
source "$here/daemon_lib.sh"
require_tool sqlite3
require_tool curl
require_tool flock
S="$RALPH_SOURCE_DIR/scripts"
# The scripts' configuration comes from the environment: none leaks in from the caller's.
unset RALPH_STORE_URL RALPH_STATE_DIR RALPH_PATHS_STATE_DIR RALPH_BACKUP_DIR RALPH_REDIS_URL RALPH_HTTP_TOKEN \
  RALPH_DAEMON_HTTP_TOKEN RALPH_DAEMON_HTTP_LISTEN RALPH_RETENTION DATABASE_URL

ms_now() { date +%s%N | cut -c1-13; }
# run NAME CMD...: runs CMD with its stdout, stderr and exit code in $T/NAME.{out,err} and $rc.
run() {
  local name=$1; shift
  rc=0
  "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
}
out_of() { cat "$T/$1.out"; }
err_of() { cat "$T/$1.err"; }
sha() { sha256sum < "$1" | cut -d' ' -f1; }
q() { sqlite3 -batch -cmd ".timeout 10000" "$@"; }
# store_q SQL: a query on the suite's store (SQLite, or PostgreSQL in the pg part).
store_q() {
  if [ "$part" = pg ]; then psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$RALPH_TEST_PG_URL" -c "$1"
  else q "$STATE/ralph.db" "$1"; fi
}
# "queued running completed", counted straight from the store (python per poll is slow here).
state_counts() {
  store_q "SELECT (SELECT count(*) FROM tasks WHERE state = 'queued') || ' ' || (SELECT count(*) FROM tasks WHERE state = 'running')
             || ' ' || (SELECT count(*) FROM tasks WHERE state = 'completed')"
}
completed_ids() { store_q "SELECT id FROM tasks WHERE state = 'completed' ORDER BY id" | paste -sd, -; }

A="$T/agents"
mkdir -p "$A" "$T/w"
# Each iteration writes a unique, bulky log (and stderr) and takes ~0.3 s;
# the task completes at the iteration number in its workdir's `target` file.
write_agent "$A/steady.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
n=$(( $(cat .count 2>/dev/null || echo 0) + 1 )); echo $n > .count
echo "task $(basename "$PWD") iteration $n"
head -c 1500 /dev/urandom | base64 -w 76
echo "stderr of iteration $n" >&2
sleep 0.3
echo '{"type":"usage","input_tokens":100,"output_tokens":10,"cost_usd":0.001,"model":"claude-sonnet-4-5"}'
if [ "$n" -ge "$(cat target)" ]; then echo LOOP_COMPLETE; fi
exit 0
SH
write_agent "$A/hang.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo "hanging"
exec sleep 300
SH
write_config() { # write_config [STORE_URL]
  {
    if [ -n "${1:-}" ]; then printf '[store]\nurl = "%s"\n' "$1"; fi
    printf '[loop]\nagent = "steady"\nmax_iterations = 50\nbackoff_base = "10ms"\n[git]\nenabled = false\n'
    printf '[daemon]\nmax_concurrent = 10\npoll_interval = "200ms"\ndrain_timeout = "2s"\n'
    printf 'heartbeat_interval = "250ms"\ninstance_ttl = "2s"\n'
    for a in steady hang; do
      printf '[agents.%s]\nkind = "command"\ncommand = ["%s/%s.sh"]\nreports_usage = true\n' "$a" "$A" "$a"
    done
  } > "$CFG"
}
new_w() { mkdir -p "$T/w/$1"; echo "Do the work." > "$T/w/$1/PROMPT.md"; echo "$2" > "$T/w/$1/target"; echo "$T/w/$1"; }

# wait_for DESCRIPTION TIMEOUT_S COMMAND...: polls COMMAND until it succeeds.
wait_for() {
  local what=$1 timeout=$2
  shift 2
  for _ in $(seq 1 $((timeout * 10))); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  die "timed out after ${timeout}s waiting for $what"
}

# A backup's manifest made consistent again after a test changed its files
# (the same format backup.sh writes: file lines, then the checksum line).
reseal() {
  local d=$1 f
  {
    grep -v '^file: \|^end: ' "$d/MANIFEST"
    for f in ralph.db ralph.pgdump logs.tar.gz; do
      if [ -f "$d/$f" ]; then echo "file: $(sha "$d/$f") $(stat -c %s "$d/$f") $f"; fi
    done
  } > "$d/MANIFEST.new"
  echo "end: $(sha "$d/MANIFEST.new")" >> "$d/MANIFEST.new"
  mv "$d/MANIFEST.new" "$d/MANIFEST"
}

# check_logs NAME STATE_DIR LIST: every "log_path|prompt_path" in LIST (paths
# under STATE_DIR) equals the same file under $STATE, byte for byte.
check_logs() {
  local name=$1 dir=$2 list=$3 lp pp f src n=0 bad=""
  while IFS='|' read -r lp pp; do
    [ -n "$lp" ] || continue
    for f in "$lp" "$lp.stderr" "$pp"; do
      if [[ "$f" != "$dir/tasks/"* ]]; then bad+="not under $dir/tasks: $f"$'\n'; continue; fi
      src="$STATE/${f#"$dir"/}"
      if [ ! -e "$f" ] && [ ! -e "$src" ]; then continue; fi
      cmp -s "$f" "$src" || bad+="differs: $f"$'\n'
      n=$((n + 1))
    done
  done <<<"$list"
  if [ -z "$bad" ] && [ "$n" -gt 0 ]; then pass "$name ($n files)"; else fail "$name" "${bad:-no files compared}"; fi
}

# ======================================================================================
if [ "$part" = main ]; then
# ======================================================================================

# --- every script: --help, usage errors -------------------------------------------------
for s in backup restore maintenance health-check; do
  run help "$S/$s.sh" --help
  if [ "$rc" = 0 ] && head -n 1 "$T/help.out" | grep -q "^Usage: $s.sh" && [ ! -s "$T/help.err" ]; then
    pass "$s.sh --help prints its usage on stdout, exit 0"
  else fail "$s.sh --help" "rc=$rc $(head -n 3 "$T/help.out") $(err_of help)"; fi
  run bogus "$S/$s.sh" --bogus-option
  expect_eq "$s.sh with an unknown option exits 2" "$rc" "2"
done
run usage "$S/restore.sh"
expect_eq "restore.sh without a backup exits 2" "$rc" "2"
for code in "0  restored" "2  usage error" "3  refused: a daemon" "4  refused: the backup is corrupt"; do
  "$S/restore.sh" --help | grep -q "$code" && pass "restore.sh --help documents exit ${code%% *}" \
    || fail "restore.sh --help documents exit ${code%% *}"
done
run usage "$S/maintenance.sh" --retention 30
expect_eq "maintenance.sh --retention without a unit is refused (exit 2)" "$rc" "2"
run usage "$S/maintenance.sh" --audit-retention 5x
expect_eq "maintenance.sh --audit-retention without a valid unit is refused (exit 2)" "$rc" "2"

# scripts/cron/ralph: every job line has five time fields, a user and a command.
cron_bad=$(grep -v '^[[:space:]]*#' "$S/cron/ralph" | grep -v '^[[:space:]]*$' | grep -v '^[A-Z_]*=' \
  | awk 'NF < 7 { print "too few fields: " $0 } { for (i = 1; i <= 5; i++) if ($i !~ /^[0-9*\/,-]+$/) print "bad time field: " $0 }' || true)
cron_jobs=$(grep -cE '^[0-9*]' "$S/cron/ralph" || true)
if [ -z "$cron_bad" ] && [ "$cron_jobs" = 3 ]; then pass "scripts/cron/ralph: 3 well-formed jobs (backup, maintenance, health)"
else fail "scripts/cron/ralph" "jobs=$cron_jobs $cron_bad"; fi
grep -qE '^[0-9]+ +[0-9]+ +\* +\* +\* .*backup' "$S/cron/ralph" && pass "…a nightly backup" || fail "cron: nightly backup"
grep -qE '^[0-9]+ +[0-9]+ +\* +\* +[0-6] .*maintenance' "$S/cron/ralph" && pass "…weekly maintenance" || fail "cron: weekly maintenance"
grep -qE '^\*/5 .*health' "$S/cron/ralph" && pass "…a health probe every 5 minutes" || fail "cron: health probe"

# --- back up while 10 tasks run ------------------------------------------------------------
write_config
start_daemon src
SRC_PID=$DAEMON_PID SRC_PORT=$HTTP_PORT
export RALPH_STATE_DIR=$STATE
for k in $(seq 1 10); do ralph submit -q -C "$(new_w "t$k" $((2 * k + 2)))" >/dev/null; done
mid_run() { read -r -a before <<<"$(state_counts)"; [ "${before[2]}" -ge 3 ] && [ "${before[1]}" -ge 3 ]; }
wait_for "3 tasks completed and 3 running" 60 mid_run
finished_before=$(completed_ids)
start=$(ms_now)
run b1 "$S/backup.sh" --to "$T/backups" --logs
b1_ms=$(( $(ms_now) - start ))
read -r -a after <<<"$(state_counts)"
B1=$(out_of b1)
expect_eq "backup.sh exits 0 while ralphd runs tasks" "$rc" "0"
[ -z "$(err_of b1)" ] && pass "…says nothing on stderr" || fail "backup stderr" "$(err_of b1)"
[ "$(wc -l < "$T/b1.out")" = 1 ] && [ -d "$B1" ] && [[ "$B1" == "$T/backups/ralph-backup-"* ]] \
  && pass "…prints only the new backup's path ($(basename "$B1"))" || fail "backup stdout" "$(out_of b1)"
if [ "${after[1]}" -gt 0 ]; then pass "the backup ran while tasks ran (running before: ${before[1]}, after: ${after[1]}; completed before: ${before[2]})"
else fail "tasks were running during the backup" "before ${before[*]}, after ${after[*]}"; fi
[ "$(stat -c %a "$B1")" = 700 ] && [ -z "$(find "$B1" -type f ! -perm 600)" ] \
  && pass "the backup directory is 0700 and its files 0600" || fail "backup permissions" "$(ls -la "$B1")"
grep -q '^store_kind: sqlite$' "$B1/MANIFEST" && grep -q '^schema_version: [1-9]' "$B1/MANIFEST" \
  && grep -q "^ralph_version: " "$B1/MANIFEST" && grep -q '^created: 20' "$B1/MANIFEST" \
  && grep -qE '^file: [0-9a-f]{64} [0-9]+ ralph.db$' "$B1/MANIFEST" && grep -qE '^file: [0-9a-f]{64} [0-9]+ logs.tar.gz$' "$B1/MANIFEST" \
  && pass "the MANIFEST has the store kind, schema and ralph versions, time, sizes and sha256" || fail "manifest" "$(cat "$B1/MANIFEST")"
(cd "$B1" && sed -n 's/^file: \([0-9a-f]*\) [0-9]* \(.*\)/\1  \2/p' MANIFEST | sha256sum -c --quiet) \
  && pass "…and its checksums match the files (sha256sum -c)" || fail "manifest checksums"

for id in $(seq 1 10); do wait_state "$id" completed 60 || die "task $id did not complete"; done
pass "all 10 tasks completed"
start=$(ms_now)
run b2 "$S/backup.sh" --to "$T/backups" --logs
b2_ms=$(( $(ms_now) - start ))
B2=$(out_of b2)
expect_eq "a second backup (all finished, ralphd idle) exits 0" "$rc" "0"
iters_total=$(q "$STATE/ralph.db" "SELECT count(*) FROM iterations")
db_kb=$(( $(stat -c %s "$B2/ralph.db") / 1024 )); logs_kb=$(( $(stat -c %s "$B2/logs.tar.gz") / 1024 ))

# --- restore the mid-run backup into a fresh state directory ---------------------------------
R1="$T/restored1"
start=$(ms_now)
run r1 "$S/restore.sh" --state-dir "$R1" "$B1"
r1_ms=$(( $(ms_now) - start ))
expect_eq "restore.sh into a fresh state directory exits 0" "$rc" "0"
[ -z "$(out_of r1)$(err_of r1)" ] && pass "…quietly" || fail "restore output" "$(out_of r1) $(err_of r1)"
expect_eq "…applied the migrations (ralph migrate --check: up to date)" \
  "$("$RALPH_BIN" --state-dir "$R1" -c "$CFG" migrate --check >/dev/null 2>&1; echo $?)" "0"
expect_eq "every task of the backup is there" "$(q "$R1/ralph.db" "SELECT count(*) FROM tasks")" "10"
expect_eq "…as many tasks and iterations as the MANIFEST says" \
  "$(q "$R1/ralph.db" "SELECT count(*) FROM tasks")/$(q "$R1/ralph.db" "SELECT count(*) FROM iterations")" \
  "$(sed -n 's/^tasks: //p' "$B1/MANIFEST")/$(sed -n 's/^iterations: //p' "$B1/MANIFEST")"
src_done=$(q "$STATE/ralph.db" "SELECT * FROM tasks WHERE id IN ($finished_before) ORDER BY id")
expect_eq "every task finished before the backup is restored as it was ($(tr ',' '\n' <<<"$finished_before" | wc -l) tasks, all columns)" \
  "$(q "$R1/ralph.db" "SELECT * FROM tasks WHERE id IN ($finished_before) ORDER BY id")" "$src_done"
expect_eq "…with all its iteration records" \
  "$(q "$R1/ralph.db" "SELECT count(*) FROM iterations WHERE task_id IN ($finished_before)")" \
  "$(q "$STATE/ralph.db" "SELECT count(*) FROM iterations WHERE task_id IN ($finished_before)")"
r1_its=$(q "$R1/ralph.db" "SELECT * FROM iterations ORDER BY task_id, seq" | sed "s#$R1/tasks/#$STATE/tasks/#g")
src_its=$(q "$STATE/ralph.db" "ATTACH '$R1/ralph.db' AS r; SELECT s.* FROM main.iterations s
  WHERE EXISTS (SELECT 1 FROM r.iterations x WHERE x.task_id = s.task_id AND x.seq = s.seq) ORDER BY s.task_id, s.seq")
r1_count=$(q "$R1/ralph.db" "SELECT count(*) FROM iterations")
expect_eq "every restored iteration record ($r1_count) equals the live one, column for column" "$r1_its" "$src_its"
expect_eq "…and the running tasks' records are each a gapless prefix" \
  "$(q "$R1/ralph.db" "SELECT count(*) FROM tasks t WHERE last_seq != (SELECT count(*) FROM iterations WHERE task_id = t.id)")" "0"
expect_eq "the log paths point into the new state directory" \
  "$(q "$R1/ralph.db" "SELECT count(*) FROM iterations WHERE log_path NOT LIKE '$R1/tasks/%' OR prompt_path NOT LIKE '$R1/tasks/%'")" "0"
check_logs "the restored logs (log, stderr, prompt of every record) are byte-identical" "$R1" \
  "$(q "$R1/ralph.db" "SELECT log_path, prompt_path FROM iterations")"
same=1
for id in ${finished_before//,/ }; do
  [ "$("$RALPH_BIN" --state-dir "$R1" -c "$CFG" logs "$id" | sha256sum)" = "$(ralph logs "$id" | sha256sum)" ] || same=0
done
expect_eq "ralph logs prints the same bytes from the restored store" "$same" "1"

# --- restore the final backup: everything -------------------------------------------------------
R2="$T/restored2"
start=$(ms_now)
run r2 "$S/restore.sh" --state-dir "$R2" "$B2"
r2_ms=$(( $(ms_now) - start ))
expect_eq "restore.sh of the final backup exits 0" "$rc" "0"
expect_eq "all tasks restored, all columns" "$(q "$R2/ralph.db" "SELECT * FROM tasks ORDER BY id")" \
  "$(q "$STATE/ralph.db" "SELECT * FROM tasks ORDER BY id")"
expect_eq "all $iters_total iteration records restored, all columns" \
  "$(q "$R2/ralph.db" "SELECT * FROM iterations ORDER BY task_id, seq" | sed "s#$R2/tasks/#$STATE/tasks/#g")" \
  "$(q "$STATE/ralph.db" "SELECT * FROM iterations ORDER BY task_id, seq")"
expect_eq "all events restored" "$(q "$R2/ralph.db" "SELECT * FROM events ORDER BY id")" \
  "$(q "$STATE/ralph.db" "SELECT * FROM events ORDER BY id")"
diff -r "$STATE/tasks" "$R2/tasks" > "$T/diff.out" 2>&1 && pass "the whole tasks/ tree is byte-identical (diff -r)" \
  || fail "tasks/ differs" "$(head -n 20 "$T/diff.out")"

# --- a ralphd on the restored mid-run store finishes the tasks that were running ------------------
saved_state=$STATE
STATE=$R1
start_daemon r1
for id in $(seq 1 10); do wait_state "$id" completed 60 || die "restored task $id did not complete"; done
pass "ralphd on the restored store takes over the tasks that were running and completes them"
stop_daemon TERM 20
STATE=$saved_state
DAEMON_PID=$SRC_PID HTTP_PORT=$SRC_PORT

# --- backup retention ------------------------------------------------------------------------------
BK="$T/retention"
mkdir -p "$BK/keepme"
for old in 20200101T000000Z 20200102T000000Z; do cp -a "$B2" "$BK/ralph-backup-$old"; done
cp -a "$B2" "$BK/ralph-backup-20200103T000000Z.partial"; touch -d '3 days ago' "$BK/ralph-backup-20200103T000000Z.partial"
run ret "$S/backup.sh" --to "$BK" --keep-days 30
expect_eq "backup --keep-days 30 exits 0" "$rc" "0"
expect_eq "…deletes the backups older than 30 days and a stale .partial, keeps the new one and other files" \
  "$(find "$BK" -mindepth 1 -maxdepth 1 -printf '%f\n' | sed 's/ralph-backup-2[0-9T]*Z.*/NEW/' | LC_ALL=C sort | tr '\n' ' ')" "NEW keepme "
for _ in 1 2 3; do run ret "$S/backup.sh" --to "$BK" --keep 2; done
newest=$(out_of ret)
expect_eq "backup --keep 2 leaves the 2 newest backups" "$(find "$BK" -maxdepth 1 -name 'ralph-backup-*' | wc -l)" "2"
[ -d "$newest" ] && pass "…including the one just made" || fail "newest backup kept" "$newest"

# --- corrupt, truncated and tampered backups are refused; the store stays as it was ---------------------
target_sum=$(sha "$R2/ralph.db"); target_tree=$(cd "$R2" && find tasks -type f -exec sha256sum {} + | sort | sha256sum)
untouched() {
  [ "$(sha "$R2/ralph.db")" = "$target_sum" ] && [ "$(cd "$R2" && find tasks -type f -exec sha256sum {} + | sort | sha256sum)" = "$target_tree" ] \
    && [ -z "$(find "$R2" -maxdepth 1 \( -name 'ralph.db.restore.*' -o -name '.tasks.restore.*' \))" ]
}
# refused NAME EXPECTED_MESSAGE BACKUP_DIR
refused() {
  run bad "$S/restore.sh" --state-dir "$R2" "$3"
  expect_eq "$1: refused with exit 4" "$rc" "4"
  grep -q -- "$2" "$T/bad.err" && pass "…saying \"$2\"" || fail "$1 message" "$(err_of bad)"
  untouched && pass "…and the store and logs are untouched (sha256 before = after, no temp files)" \
    || fail "$1: store untouched" "$(ls -la "$R2")"
}
C="$T/corrupt"
cp -a "$B2" "$C"
size=$(stat -c %s "$C/ralph.db")
printf '\xff\xfe\xfd\xfc' | dd of="$C/ralph.db" bs=1 seek=$((size / 2)) conv=notrunc status=none
refused "a backup with a flipped byte" "ralph.db is corrupt (sha256 mismatch)" "$C"
rm -rf "$C"; cp -a "$B2" "$C"; truncate -s $((size / 2)) "$C/ralph.db"
refused "a truncated store file" "ralph.db is truncated ($((size / 2)) of $size bytes)" "$C"
rm -rf "$C"; cp -a "$B2" "$C"; truncate -s 100 "$C/logs.tar.gz"
refused "a truncated logs archive" "logs.tar.gz is truncated" "$C"
rm -rf "$C"; cp -a "$B2" "$C"; sed -i '$d' "$C/MANIFEST"
refused "a truncated MANIFEST" "MANIFEST is truncated" "$C"
rm -rf "$C"; cp -a "$B2" "$C"; sed -i 's/^tasks: .*/tasks: 99/' "$C/MANIFEST"
refused "an edited MANIFEST" "MANIFEST was altered" "$C"
rm -rf "$C"; cp -a "$B2" "$C"; rm "$C/MANIFEST"
refused "a directory without MANIFEST" "no MANIFEST" "$C"
rm -rf "$C"; cp -a "$B2" "$C"; rm "$C/logs.tar.gz"
refused "a backup missing a file" "logs.tar.gz is missing" "$C"
# Checksums that match a damaged database: caught by PRAGMA integrity_check on the copy.
rm -rf "$C"; cp -a "$B2" "$C"
pages=$((size / 4096))
head -c 4096 /dev/urandom | dd of="$C/ralph.db" bs=4096 seek=$((pages / 2)) conv=notrunc status=none
reseal "$C"
refused "a damaged database with matching checksums" "ralph.db fails PRAGMA integrity_check\|ralph.db cannot be opened" "$C"
"$RALPH_BIN" --state-dir "$R2" -c "$CFG" list >/dev/null 2>&1 && pass "the store still opens after the refusals" \
  || fail "store opens after refusals"

# --- restore is refused while ralphd holds the store ------------------------------------------------
STATE=$R2
start_daemon r2
inode=$(stat -c %i "$R2/ralph.db")
run busy "$S/restore.sh" --state-dir "$R2" "$B2"
expect_eq "restore while ralphd holds the store exits 3" "$rc" "3"
grep -q "ralphd (pid $DAEMON_PID) is using the store" "$T/busy.err" && grep -q -- "--force" "$T/busy.err" \
  && pass "…naming the daemon and --force" || fail "busy message" "$(err_of busy)"
expect_eq "…and leaves the store file in place" "$(stat -c %i "$R2/ralph.db")" "$inode"
stop_daemon TERM 20
run after_stop "$S/restore.sh" --state-dir "$R2" "$B2"
expect_eq "once ralphd stopped, restore exits 0" "$rc" "0"
run forced "$S/restore.sh" --force --state-dir "$R2" "$B2"
expect_eq "…and restore --force too" "$rc" "0"
[ "$(stat -c %i "$R2/ralph.db")" != "$inode" ] && [ -f "$R2/ralph.db.pre-restore" ] && [ -d "$R2/tasks.pre-restore" ] \
  && pass "the restore swapped the file in and kept the previous store and logs (.pre-restore)" \
  || fail "pre-restore copies" "$(ls -la "$R2")"
expect_eq "…and the restored store holds the backup" "$(q "$R2/ralph.db" "SELECT count(*) FROM iterations")" "$iters_total"
run wrongkind "$S/restore.sh" --store-url postgresql://nobody@127.0.0.1:1/none "$B2"
expect_eq "restoring a SQLite backup into PostgreSQL is a usage error (exit 2)" "$rc" "2"
STATE=$saved_state
DAEMON_PID=$SRC_PID HTTP_PORT=$SRC_PORT

# --- maintenance -------------------------------------------------------------------------------------
# Old: tasks 1-5 finished 40 days ago (with their events); a running and a queued
# task from 40 days ago. Recent: tasks 6-10. ralphd keeps running meanwhile.
hang=$(ralph submit -q -C "$(new_w hang 1)" -a hang)
wait_state "$hang" running 20 || die "the hanging task never ran"
parked=$(ralph submit -q -C "$(new_w parked 1)" --queue parked)
day=86400000
q "$STATE/ralph.db" "UPDATE tasks SET created_at = created_at - 41 * $day, started_at = started_at - 41 * $day,
                       finished_at = finished_at - 40 * $day, updated_at = updated_at - 40 * $day WHERE id <= 5;
                     UPDATE events SET at = at - 40 * $day WHERE task_id <= 5;
                     UPDATE tasks SET created_at = created_at - 40 * $day WHERE id IN ($hang, $parked);
                     UPDATE tasks SET updated_at = updated_at - 40 * $day WHERE id = $parked;"
mkdir -p "$STATE/tasks/999" "$STATE/tasks/998"; echo old > "$STATE/tasks/999/iter-0001.log"; echo new > "$STATE/tasks/998/iter-0001.log"
touch -d '40 days ago' "$STATE/tasks/999"
head -c $((2 * 1024 * 1024)) /dev/urandom | base64 > "$STATE/ralphd.log"
q "$STATE/ralph.db" "INSERT INTO audit (at, who, what, exit_code) VALUES
                       ((strftime('%s', 'now') - 400 * 86400) * 1000, 'old@test', 'ancient', 0),
                       ((strftime('%s', 'now') - 300 * 86400) * 1000, 'old@test', 'last-year', 0)"
audit_before=$(q "$STATE/ralph.db" "SELECT count(*) FROM audit")
keep_its=$(q "$STATE/ralph.db" "SELECT * FROM iterations WHERE task_id > 5 ORDER BY task_id, seq")
keep_logs=$(cd "$STATE/tasks" && find 6 7 8 9 10 -type f -exec sha256sum {} + | sort)

run dry "$S/maintenance.sh" --retention 30d --min-free-mb 1 --dry-run
grep -q "would delete 5 tasks" "$T/dry.out" && [ "$(q "$STATE/ralph.db" "SELECT count(*) FROM tasks")" = 12 ] \
  && pass "maintenance --dry-run says what it would delete and deletes nothing" || fail "dry run" "$(out_of dry) $(err_of dry)"
start=$(ms_now)
run m1 "$S/maintenance.sh" --retention 30d --min-free-mb 1 --rotate-mb 1
m1_ms=$(( $(ms_now) - start ))
expect_eq "maintenance exits 0 while ralphd runs" "$rc" "0"
[ -z "$(out_of m1)$(err_of m1)" ] && pass "…and prints nothing" || fail "maintenance output" "$(out_of m1) $(err_of m1)"
expect_eq "the 5 tasks finished 40 days ago are gone, with their iterations and events" \
  "$(q "$STATE/ralph.db" "SELECT (SELECT count(*) FROM tasks WHERE id <= 5) || ' ' || (SELECT count(*) FROM iterations WHERE task_id <= 5) || ' ' || (SELECT count(*) FROM events WHERE task_id <= 5)")" "0 0 0"
gone=0; for id in 1 2 3 4 5; do [ -e "$STATE/tasks/$id" ] || gone=$((gone + 1)); done
expect_eq "…and their log directories" "$gone" "5"
expect_eq "the recent finished tasks stay, with every iteration record" \
  "$(q "$STATE/ralph.db" "SELECT * FROM iterations WHERE task_id > 5 ORDER BY task_id, seq")" "$keep_its"
expect_eq "…and their logs, byte for byte" "$(cd "$STATE/tasks" && find 6 7 8 9 10 -type f -exec sha256sum {} + | sort)" "$keep_logs"
expect_eq "a running task from 40 days ago is untouched" "$(ralph status "$hang" --json | jq_ 'd["state"]')" "running"
expect_eq "…and so is a queued one" "$(ralph status "$parked" --json | jq_ 'd["state"]')" "queued"
[ ! -e "$STATE/tasks/999" ] && [ -e "$STATE/tasks/998" ] \
  && pass "an old log directory of a task that no longer exists goes, a recent one stays" || fail "orphan log dirs" "$(ls "$STATE/tasks")"
expect_eq "audit records older than the audit retention (365d) go, younger ones stay" \
  "$(q "$STATE/ralph.db" "SELECT group_concat(what) FROM audit WHERE who = 'old@test'") $(q "$STATE/ralph.db" "SELECT count(*) FROM audit")" \
  "last-year $((audit_before - 1))"
[ -f "$STATE/ralphd.log.1.gz" ] && [ ! -s "$STATE/ralphd.log" ] && gzip -t "$STATE/ralphd.log.1.gz" \
  && pass "a big log file in the state directory is rotated and compressed" || fail "log rotation" "$(ls -la "$STATE")"
expect_eq "ralphd kept running through it (/healthz)" "$(curl -fsS "http://127.0.0.1:$SRC_PORT/healthz")" "ok"

snapshot() { q "$STATE/ralph.db" "SELECT count(*) FROM tasks; SELECT count(*) FROM iterations; SELECT count(*) FROM events WHERE task_id <= 10;"; ls "$STATE/tasks"; }
snap=$(snapshot)
run m2 "$S/maintenance.sh" --retention 30d --min-free-mb 1
expect_eq "a second run exits 0, quietly" "$rc:$(out_of m2)$(err_of m2)" "0:"
expect_eq "…and changes nothing (idempotent)" "$(snapshot)" "$snap"

# Overlapping runs: while one holds the lock, the next skips (or waits with --wait).
flock "$STATE/maintenance.lock" sleep 3 &
holder=$!
E2E_PIDS+=("$holder")
wait_for "the lock holder" 5 bash -c "! flock -n '$STATE/maintenance.lock' true"
start=$(ms_now)
run m3 "$S/maintenance.sh" --retention 30d --min-free-mb 1
took=$(( $(ms_now) - start ))
expect_eq "a run that overlaps another exits 0" "$rc" "0"
grep -q "another maintenance run holds" "$T/m3.err" && [ "$took" -lt 2500 ] \
  && pass "…at once (${took} ms), saying so on stderr" || fail "overlap message" "${took} ms: $(err_of m3)"
"$S/maintenance.sh" --retention 30d --min-free-mb 1 --wait > "$T/m4.out" 2>&1 &
waiter=$!
sleep 1
kill -0 "$waiter" 2>/dev/null && pass "with --wait it waits for the other run" || fail "--wait did not wait"
wait "$holder" || true
rc=0; wait "$waiter" || rc=$?
expect_eq "…and then runs (exit 0)" "$rc:$(cat "$T/m4.out")" "0:"
# Two at once, for real: both end cleanly.
"$S/maintenance.sh" --retention 30d --min-free-mb 1 > "$T/p1.out" 2>&1 & p1=$!
"$S/maintenance.sh" --retention 30d --min-free-mb 1 > "$T/p2.out" 2>&1 & p2=$!
rc1=0; wait "$p1" || rc1=$?; rc2=0; wait "$p2" || rc2=$?
expect_eq "two concurrent runs both exit 0" "$rc1 $rc2" "0 0"
run lowdisk "$S/maintenance.sh" --retention 30d --min-free-mb 999999999
expect_eq "maintenance with too little free disk exits 1" "$rc" "1"
grep -q "low disk space" "$T/lowdisk.err" && pass "…saying so" || fail "low disk message" "$(err_of lowdisk)"

# --- health-check -------------------------------------------------------------------------------------
run h1 "$S/health-check.sh" --url "http://127.0.0.1:$SRC_PORT" --min-free-mb 1
expect_eq "health-check passes with ralphd running (exit 0)" "$rc" "0"
for line in "ok   daemon /healthz" "ok   store" "ok   disk"; do
  grep -q "^$line" "$T/h1.out" && pass "…\"$line\"" || fail "health line $line" "$(out_of h1)"
done
expect_eq "…one line per check" "$(wc -l < "$T/h1.out")" "3"
run hq "$S/health-check.sh" --url "http://127.0.0.1:$SRC_PORT" --min-free-mb 1 --quiet
expect_eq "--quiet prints nothing when all is well" "$rc:$(out_of hq)" "0:"
run hd "$S/health-check.sh" --url "http://127.0.0.1:$SRC_PORT" --min-free-mb 999999999
expect_eq "too little free disk fails the check (exit 1)" "$rc" "1"
grep -q "^FAIL disk: " "$T/hd.out" && pass "…with a FAIL disk line" || fail "FAIL disk" "$(out_of hd)"
run hs "$S/health-check.sh" --url "http://127.0.0.1:$SRC_PORT" --min-free-mb 1 --state-dir "$T/nowhere"
grep -q "^FAIL store: no SQLite store" "$T/hs.out" && [ "$rc" = 1 ] && pass "a missing store fails (FAIL store)" \
  || fail "FAIL store" "$(out_of hs)"

token="tok-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
STATE="$T/tokened"
RALPH_DAEMON_HTTP_TOKEN=$token start_daemon tokened
echo "$token" > "$T/token"
run ht1 env RALPH_HTTP_TOKEN="$token" "$S/health-check.sh" --url "http://127.0.0.1:$HTTP_PORT" --min-free-mb 1
expect_eq "with the daemon's token in RALPH_HTTP_TOKEN it passes" "$rc" "0"
run ht2 "$S/health-check.sh" --url "http://127.0.0.1:$HTTP_PORT" --token-file "$T/token" --min-free-mb 1
expect_eq "…and with --token-file" "$rc" "0"
run ht3 env RALPH_HTTP_TOKEN=wrong "$S/health-check.sh" --url "http://127.0.0.1:$HTTP_PORT" --min-free-mb 1
grep -q "^FAIL daemon /healthz: .*401" "$T/ht3.out" && [ "$rc" = 1 ] && pass "a wrong token fails with 401" \
  || fail "wrong token" "$(out_of ht3)"
run ht4 "$S/health-check.sh" --url "http://127.0.0.1:$HTTP_PORT" --min-free-mb 1
grep -q "^FAIL daemon /healthz: .*needs a token" "$T/ht4.out" && pass "…and no token says one is needed" \
  || fail "no token" "$(out_of ht4)"
cat "$T"/ht*.out "$T"/ht*.err | grep -q -- "$token" && fail "the token is never printed" || pass "the token is never printed"
stop_daemon TERM 20
STATE=$saved_state
DAEMON_PID=$SRC_PID HTTP_PORT=$SRC_PORT

ralph cancel "$hang" >/dev/null 2>&1 || true
stop_daemon TERM 20
run h2 "$S/health-check.sh" --url "http://127.0.0.1:$SRC_PORT" --min-free-mb 1
expect_eq "with ralphd stopped, health-check exits 1" "$rc" "1"
grep -q "^FAIL daemon /healthz: cannot connect" "$T/h2.out" && pass "…with a FAIL daemon line" || fail "FAIL daemon" "$(out_of h2)"
grep -q "^ok   store" "$T/h2.out" && pass "…and still checks the store" || fail "store after stop" "$(out_of h2)"

# VACUUM: skipped while ralphd runs (free pages are reused), done once it stopped.
q "$STATE/ralph.db" "UPDATE tasks SET finished_at = finished_at - 40 * $day WHERE id IN (6, 7, 8)"
run m5 "$S/maintenance.sh" --retention 30d --min-free-mb 1 --verbose
expect_eq "maintenance --verbose with ralphd stopped exits 0" "$rc" "0"
grep -q "deleted 3 tasks" "$T/m5.out" && pass "…reports what it deleted" || fail "verbose summary" "$(out_of m5)"
expect_eq "…and VACUUMs: no free pages left" "$(q "$STATE/ralph.db" "PRAGMA freelist_count")" "0"
expect_eq "…and the store passes PRAGMA integrity_check" "$(q "$STATE/ralph.db" "PRAGMA integrity_check")" "ok"

echo "time - backup, 10 tasks running ($(sed -n 's/^iterations: //p' "$B1/MANIFEST") iterations, with logs): ${b1_ms} ms"
echo "time - backup, final (10 tasks, $iters_total iterations; store ${db_kb} KiB, logs ${logs_kb} KiB gz): ${b2_ms} ms"
echo "time - restore, mid-run backup into a fresh state dir: ${r1_ms} ms"
echo "time - restore, final backup into a fresh state dir: ${r2_ms} ms"
echo "time - maintenance (5 of 12 tasks pruned, ralphd running): ${m1_ms} ms"

# --- PostgreSQL: the same round trip, in a private server -----------------------------------------------
set +e
if [ -n "${RALPH_TEST_PG_URL:-}" ]; then
  bash "$0" --pg-part 2>&1 | sed -u 's/^/  [pg] /'
else
  "$S/with-test-services.sh" -- bash "$0" --pg-part 2>&1 | sed -u 's/^/  [pg] /'
fi
pg_rc=${PIPESTATUS[0]}
set -e
case "$pg_rc" in
  0) pass "PostgreSQL part" ;;
  125) echo "skip - PostgreSQL part: PostgreSQL is not available here (see the SKIP line above)" ;;
  *) fail "PostgreSQL part (exit $pg_rc)" ;;
esac

e2e_finish
fi

# ======================================================================================
# PostgreSQL part: run inside scripts/with-test-services.sh (RALPH_TEST_PG_URL).
# ======================================================================================
: "${RALPH_TEST_PG_URL:?run by the main part through scripts/with-test-services.sh}"
require_tool psql
require_tool pg_dump
require_tool pg_restore
U=$RALPH_TEST_PG_URL
U2="${U%/*}/ralph_restore"
psql_() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
psql_ "$U" "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
psql_ "$U" "DROP DATABASE IF EXISTS ralph_restore" 2>/dev/null && psql_ "$U" "CREATE DATABASE ralph_restore"
export RALPH_STORE_URL=$U RALPH_STATE_DIR=$STATE
write_config "$U"
start_daemon pg
for k in $(seq 1 8); do ralph submit -q -C "$(new_w "p$k" $((2 * k + 2)))" >/dev/null; done
pg_mid() { local c; read -r -a c <<<"$(state_counts)"; [ "${c[2]}" -ge 2 ] && [ "${c[1]}" -ge 2 ]; }
wait_for "2 tasks completed and 2 running" 60 pg_mid
finished_before=$(completed_ids)
start=$(ms_now)
run b1 "$S/backup.sh" --to "$T/backups" --logs
b1_ms=$(( $(ms_now) - start ))
read -r -a after <<<"$(state_counts)"
B1=$(out_of b1)
expect_eq "pg: backup.sh (pg_dump -Fc) exits 0 while ralphd runs tasks" "$rc:$(err_of b1)" "0:"
[ "${after[1]}" -gt 0 ] && pass "pg: …tasks were running during the backup" || fail "pg: tasks running" "${after[*]}"
grep -q '^store_kind: postgresql$' "$B1/MANIFEST" && grep -qE '^file: [0-9a-f]{64} [0-9]+ ralph.pgdump$' "$B1/MANIFEST" \
  && ! grep -q "password" "$B1/MANIFEST" && pass "pg: the MANIFEST names the store kind and the dump's checksum" \
  || fail "pg: manifest" "$(cat "$B1/MANIFEST")"
for id in $(seq 1 8); do wait_state "$id" completed 60 || die "pg task $id did not complete"; done
run b2 "$S/backup.sh" --to "$T/backups" --logs
B2=$(out_of b2)
expect_eq "pg: a second backup exits 0" "$rc" "0"

R1="$T/restored1"
start=$(ms_now)
run r1 env RALPH_STORE_URL="$U2" "$S/restore.sh" --state-dir "$R1" "$B1"
r1_ms=$(( $(ms_now) - start ))
expect_eq "pg: restore.sh into a fresh database and state directory exits 0" "$rc:$(err_of r1)" "0:"
expect_eq "pg: every finished task restored as it was (all columns)" \
  "$(psql_ "$U2" "SELECT t.* FROM tasks t WHERE id IN ($finished_before) ORDER BY id")" \
  "$(psql_ "$U" "SELECT t.* FROM tasks t WHERE id IN ($finished_before) ORDER BY id")"
keys=$(psql_ "$U2" "SELECT string_agg('(' || task_id || ',' || seq || ')', ',') FROM iterations")
expect_eq "pg: every restored iteration record equals the live one ($(psql_ "$U2" "SELECT count(*) FROM iterations") records)" \
  "$(psql_ "$U2" "SELECT i.* FROM iterations i ORDER BY task_id, seq" | sed "s#$R1/tasks/#$STATE/tasks/#g")" \
  "$(psql_ "$U" "SELECT i.* FROM iterations i WHERE (task_id, seq) IN ($keys) ORDER BY task_id, seq")"
expect_eq "pg: …all of each finished task's" \
  "$(psql_ "$U2" "SELECT count(*) FROM iterations WHERE task_id IN ($finished_before)")" \
  "$(psql_ "$U" "SELECT count(*) FROM iterations WHERE task_id IN ($finished_before)")"
check_logs "pg: the restored logs are byte-identical" "$R1" "$(psql_ "$U2" "SELECT log_path || '|' || prompt_path FROM iterations")"
expect_eq "pg: the restored database is migrated (ralph migrate --check)" \
  "$("$RALPH_BIN" --state-dir "$R1" -c "$CFG" --set "store.url=$U2" migrate --check >/dev/null 2>&1; echo $?)" "0"

# Refused while a daemon uses the store: the live one.
before_live=$(psql_ "$U" "SELECT count(*) FROM iterations")
run busy "$S/restore.sh" "$B1"
expect_eq "pg: restore into a store with an active ralphd exits 3" "$rc" "3"
grep -q "ralphd instances use the store" "$T/busy.err" && pass "pg: …naming the instances" || fail "pg: busy message" "$(err_of busy)"
expect_eq "pg: …and changes nothing" "$(psql_ "$U" "SELECT count(*) FROM iterations")" "$before_live"

# Corrupt and truncated dumps: refused, the target database untouched.
fingerprint() { psql_ "$U2" "SELECT md5(string_agg(t::text, ';' ORDER BY id)) FROM tasks t"; psql_ "$U2" "SELECT md5(string_agg(i::text, ';' ORDER BY task_id, seq)) FROM iterations i"; }
fp=$(fingerprint)
C="$T/corrupt"; cp -a "$B2" "$C"
size=$(stat -c %s "$C/ralph.pgdump")
printf '\xff\xfe' | dd of="$C/ralph.pgdump" bs=1 seek=$((size / 2)) conv=notrunc status=none
run bad env RALPH_STORE_URL="$U2" "$S/restore.sh" --state-dir "$R1" "$C"
expect_eq "pg: a corrupt dump is refused (exit 4)" "$rc" "4"
grep -q "ralph.pgdump is corrupt (sha256 mismatch)" "$T/bad.err" && pass "pg: …saying so" || fail "pg: corrupt message" "$(err_of bad)"
rm -rf "$C"; cp -a "$B2" "$C"; truncate -s $((size / 3)) "$C/ralph.pgdump"; reseal "$C"
run bad env RALPH_STORE_URL="$U2" "$S/restore.sh" --state-dir "$R1" "$C"
expect_eq "pg: a truncated dump, even with a matching MANIFEST, is refused (exit 4)" "$rc" "4"
grep -q "ralph.pgdump is not a readable pg_dump archive" "$T/bad.err" && pass "pg: …saying so" || fail "pg: truncated message" "$(err_of bad)"
expect_eq "pg: …and the database is untouched" "$(fingerprint)" "$fp"

# The final backup over the restored one: the database now equals the live one.
start=$(ms_now)
run r2 env RALPH_STORE_URL="$U2" "$S/restore.sh" --state-dir "$R1" "$B2"
r2_ms=$(( $(ms_now) - start ))
expect_eq "pg: restoring over an existing ralph database exits 0" "$rc:$(err_of r2)" "0:"
expect_eq "pg: …every task, all columns" "$(psql_ "$U2" "SELECT t.* FROM tasks t ORDER BY id")" "$(psql_ "$U" "SELECT t.* FROM tasks t ORDER BY id")"
expect_eq "pg: …every iteration record" \
  "$(psql_ "$U2" "SELECT i.* FROM iterations i ORDER BY task_id, seq" | sed "s#$R1/tasks/#$STATE/tasks/#g")" \
  "$(psql_ "$U" "SELECT i.* FROM iterations i ORDER BY task_id, seq")"
diff -r "$STATE/tasks" "$R1/tasks" > "$T/diff.out" 2>&1 && pass "pg: …and the whole tasks/ tree (diff -r)" \
  || fail "pg: tasks/ differs" "$(head -n 20 "$T/diff.out")"
"$RALPH_BIN" --state-dir "$R1" -c "$CFG" --set "store.url=$U2" submit -q -C "$(new_w p9 1)" > "$T/p9.out" 2>&1 \
  && pass "pg: the restored database takes new tasks (identity sequences restored)" || fail "pg: submit after restore" "$(cat "$T/p9.out")"

# Health and maintenance on PostgreSQL.
redis=()
if [ -n "${RALPH_TEST_REDIS_URL:-}" ] && command -v redis-cli >/dev/null; then redis=(--redis-url "$RALPH_TEST_REDIS_URL"); fi
run h1 "$S/health-check.sh" --url "http://127.0.0.1:$HTTP_PORT" --min-free-mb 1 "${redis[@]}"
expect_eq "pg: health-check passes (exit 0)" "$rc" "0"
grep -q "^ok   store: postgresql " "$T/h1.out" && pass "pg: …ok store (SELECT 1)" || fail "pg: store line" "$(out_of h1)"
if [ "${#redis[@]}" -gt 0 ]; then
  grep -q "^ok   redis: " "$T/h1.out" && pass "pg: …ok redis (ping)" || fail "pg: redis line" "$(out_of h1)"
else echo "skip - redis health check: redis-server is not installed"; fi
run h2 "$S/health-check.sh" --url "http://127.0.0.1:$HTTP_PORT" --min-free-mb 1 --store-url "postgresql://ralph:s3cret@127.0.0.1:1/none" \
  --redis-url "redis://:pw@127.0.0.1:1/0"
grep -q "^FAIL store: postgresql://ralph:\*\*\*\*@127.0.0.1:1/none" "$T/h2.out" && grep -q "^FAIL redis: " "$T/h2.out" && [ "$rc" = 1 ] \
  && pass "pg: an unreachable store and Redis fail, passwords masked" || fail "pg: FAIL store/redis" "$(out_of h2)"
grep -q "s3cret\|:pw@" "$T/h2.out" && fail "pg: passwords are never printed" || pass "pg: passwords are never printed"

psql_ "$U" "UPDATE tasks SET finished_at = finished_at - 40 * 86400000::bigint WHERE id <= 3;
            UPDATE events SET at = at - 40 * 86400000::bigint WHERE task_id <= 3"
keep=$(psql_ "$U" "SELECT i.* FROM iterations i WHERE task_id > 3 ORDER BY task_id, seq")
run m1 "$S/maintenance.sh" --retention 30d --min-free-mb 1 --verbose
expect_eq "pg: maintenance exits 0 while ralphd runs" "$rc:$(err_of m1)" "0:"
grep -q "vacuumed and analyzed" "$T/m1.out" && pass "pg: …and runs VACUUM (ANALYZE)" || fail "pg: vacuum" "$(out_of m1)"
expect_eq "pg: the old finished tasks are gone, with iterations, events and logs" \
  "$(psql_ "$U" "SELECT (SELECT count(*) FROM tasks WHERE id <= 3) || ' ' || (SELECT count(*) FROM iterations WHERE task_id <= 3) || ' ' || (SELECT count(*) FROM events WHERE task_id <= 3)") $(find "$STATE/tasks" -mindepth 1 -maxdepth 1 -name '[123]' | wc -l)" "0 0 0 0"
expect_eq "pg: the others keep every iteration" "$(psql_ "$U" "SELECT i.* FROM iterations i WHERE task_id > 3 ORDER BY task_id, seq")" "$keep"
stop_daemon TERM 20

echo "time - pg backup, 8 tasks running (pg_dump -Fc, with logs): ${b1_ms} ms"
echo "time - pg restore, mid-run backup into a fresh database: ${r1_ms} ms; final backup over it: ${r2_ms} ms"
e2e_finish
