#!/usr/bin/env bash
# ralph backup / restore / maintenance / health / failover / audit / doctor,
# end to end through the CLI (the scripts themselves: test_ops_scripts.sh):
# - the scripts run with the configuration ralph resolved: a backup of the
#   store a config file names restores into another config file's store;
# - their output passes through, their exit codes too (restore of a corrupt
#   backup: 4), usage errors are 2, a missing / non-executable script is
#   127 / 126, a script killed by a signal is 128+N, SIGTERM sent to ralph
#   reaches the script;
# - failover --promote runs failover.promote_command (exit 4 when it fails);
# - every run is in the audit log (user@host, args, exit code, outcome),
#   submit/cancel with their task id, and no secret is in it;
# - health --json has its shape and works while the store is down;
# - doctor finds a state directory and a store file others can read;
# - on PostgreSQL (scripts/with-test-services.sh): backup and restore through
#   the CLI, with a password in the store URL that never reaches the audit log.
# shellcheck disable=SC2015 # `check && pass || fail` as in every suite
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${RALPH_SOURCE_DIR:=$(cd "$here/../.." && pwd)}"
: "${RALPH_BIN:=$RALPH_SOURCE_DIR/build/dev/cli/ralph}"
RALPH_BIN=$(realpath "$RALPH_BIN")
export RALPH_SOURCE_DIR RALPH_BIN
part=main
if [ "${1:-}" = --pg-part ]; then part=pg; fi

# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"
e2e_init "ops_cli_$part"
require_tool sqlite3
require_tool python3
# Nothing of the caller's configuration leaks in: ralph passes what it resolved.
unset RALPH_STORE_URL RALPH_STATE_DIR RALPH_PATHS_STATE_DIR RALPH_BACKUP_DIR RALPH_REDIS_URL RALPH_HTTP_TOKEN \
  RALPH_DAEMON_HTTP_TOKEN RALPH_DAEMON_HTTP_LISTEN RALPH_RETENTION DATABASE_URL RALPH_SCRIPTS_DIR RALPH_CONFIG
export RALPH_MIN_FREE_MB=1 # a small test disk is no failure here
WHO="$(id -un)@$(hostname)"
SECRET=pw-SECRET-4711x

# run NAME CMD...: stdout, stderr and exit code of CMD in $T/NAME.{out,err} and $rc.
run() {
  local name=$1; shift
  rc=0
  "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
}
out_of() { cat "$T/$1.out"; }
err_of() { cat "$T/$1.err"; }

A="$T/agent.sh"
printf '#!/bin/sh\ncat >/dev/null\necho LOOP_COMPLETE\n' > "$A"; chmod +x "$A"
# write_config FILE STATE_DIR [STORE_URL]: a config whose store is STORE_URL
# (default: STATE_DIR/ralph.db through paths.state_dir).
write_config() {
  {
    printf '[paths]\nstate_dir = "%s"\n' "$2"
    if [ -n "${3:-}" ]; then printf '[store]\nurl = "%s"\n' "$3"; fi
    printf '[loop]\nagent = "fake"\n[git]\nenabled = false\n[daemon]\nhttp_listen = "127.0.0.1:1"\n'
    printf '[agents.fake]\nkind = "command"\ncommand = ["%s"]\n' "$A"
  } > "$1"
}
new_w() { mkdir -p "$T/w/$1"; echo "Do the work." > "$T/w/$1/PROMPT.md"; echo "$T/w/$1"; }
# audit_json CFG [ARGS...]: ralph audit --json on that config's store.
audit_json() { local c=$1; shift; "$RALPH_BIN" -c "$c" audit --json "$@"; }

if [ "$part" = main ]; then
CFG1="$T/one.toml" CFG2="$T/two.toml"
write_config "$CFG1" "$T/state1"
write_config "$CFG2" "$T/state2"
r1() { "$RALPH_BIN" -c "$CFG1" "$@"; }

# --- submit and cancel are audited with their task ---------------------------------------
id=$(r1 submit -q -C "$(new_w a)")
r1 submit -q -C "$(new_w b)" >/dev/null
r1 cancel --no-wait "$id" 2>/dev/null
js=$(audit_json "$CFG1")
expect_eq "submit and cancel are in the audit log, newest first" "$(jq_ '[r["what"] for r in d]' <<<"$js")" \
  "['cancel', 'submit', 'submit']"
expect_eq "…with the task id" "$(jq_ '[r["task"] for r in d]' <<<"$js")" "[$id, $((id + 1)), $id]"
expect_eq "…who ran them (user@host)" "$(jq_ 'd[0]["who"]' <<<"$js")" "$WHO"
expect_eq "…the arguments, as a JSON array" "$(jq_ 'd[0]["args"]' <<<"$js")" "['-c', '$CFG1', 'cancel', '--no-wait', '$id']"
expect_eq "…and the result" "$(jq_ '(d[0]["exit_code"], d[0]["outcome"])' <<<"$js")" "(0, 'cancelled')"

# --- backup from the config file's store, restore into another's --------------------------
run backup r1 backup --to "$T/backups" --keep 5
B=$(out_of backup)
expect_eq "ralph backup exits 0 and prints only the backup's directory" "$rc:$(err_of backup)" "0:"
[[ "$B" == "$T/backups/ralph-backup-"* ]] && [ -f "$B/ralph.db" ] && pass "…made from the config file's store ($B)" \
  || fail "backup path" "$B"
expect_eq "…which holds its tasks" "$(sqlite3 "$B/ralph.db" "SELECT count(*) FROM tasks")" "2"
run restore "$RALPH_BIN" -c "$CFG2" restore "$B"
expect_eq "ralph restore into another config's store exits 0" "$rc" "0"
expect_eq "…and that store now has the tasks" "$(sqlite3 "$T/state2/ralph.db" "SELECT count(*) FROM tasks")" "2"
js=$(audit_json "$CFG2" --what restore)
expect_eq "the restore is recorded in the restored store" "$(jq_ '(len(d), d[0]["exit_code"], d[0]["outcome"])' <<<"$js")" \
  "(1, 0, 'restored from $B')"
js=$(audit_json "$CFG1" --what backup)
expect_eq "the backup is recorded with its directory and arguments" \
  "$(jq_ '(d[0]["outcome"], d[0]["args"][-4:])' <<<"$js")" "('ok: $B', ['--to', '$T/backups', '--keep', '5'])"

# --- exit codes: the scripts' own, usage, signals, missing scripts ------------------------
C="$T/corrupt"; cp -a "$B" "$C"
printf 'garbage' | dd of="$C/ralph.db" bs=1 seek=4096 conv=notrunc status=none
tasks_of() { sqlite3 "$1" "SELECT * FROM tasks ORDER BY id; SELECT count(*) FROM iterations"; }
before=$(tasks_of "$T/state2/ralph.db")
run corrupt "$RALPH_BIN" -c "$CFG2" restore "$C"
expect_eq "restore of a corrupt backup exits 4 (the script's code)" "$rc" "4"
expect_contains "…the script's message passes through" "$(err_of corrupt)" "restore.sh"
expect_eq "…and the store's tasks are unchanged (only its audit log grew)" "$(tasks_of "$T/state2/ralph.db")" "$before"
expect_eq "…recorded with its exit code" "$(audit_json "$CFG2" --what restore --limit 1 | jq_ '(d[0]["exit_code"], d[0]["outcome"])')" \
  "(4, 'failed (exit 4)')"
run nodir r1 restore
expect_eq "restore without a directory is a usage error (2)" "$rc" "2"
run badkeep r1 backup --keep many
expect_eq "backup --keep many is a usage error (2)" "$rc" "2"
run badret r1 maintenance --retention 5
expect_eq "maintenance --retention 5 (no unit): the script's usage error, 2" "$rc" "2"
run nofo r1 failover
expect_eq "failover without --instance or --promote is a usage error (2)" "$rc" "2"

F="$T/fake-scripts"; mkdir -p "$F"
run missing env RALPH_SCRIPTS_DIR="$T/nowhere" "$RALPH_BIN" -c "$CFG1" maintenance
expect_eq "a script that is not found: 127" "$rc" "127"
expect_contains "…saying where it looked" "$(err_of missing)" "$T/nowhere/maintenance.sh"
printf '#!/bin/sh\nexit 0\n' > "$F/maintenance.sh"; chmod 644 "$F/maintenance.sh"
run noexec env RALPH_SCRIPTS_DIR="$F" "$RALPH_BIN" -c "$CFG1" maintenance
expect_eq "a script that is not executable: 126" "$rc" "126"
printf '#!/bin/sh\nkill -KILL $$\n' > "$F/maintenance.sh"; chmod 755 "$F/maintenance.sh"
run killed env RALPH_SCRIPTS_DIR="$F" "$RALPH_BIN" -c "$CFG1" maintenance
expect_eq "a script killed by SIGKILL: 137" "$rc" "137"
expect_eq "…recorded as such" "$(audit_json "$CFG1" --what maintenance --limit 1 | jq_ 'd[0]["outcome"]')" "killed by signal 9"

# SIGTERM sent to ralph alone reaches the script, whose exit code ralph returns.
cat > "$F/maintenance.sh" <<'SH'
#!/bin/sh
trap 'echo got TERM > "$MARK"; exit 7' TERM
echo started > "$MARK"
i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
exit 0
SH
export MARK="$T/mark"
env RALPH_SCRIPTS_DIR="$F" "$RALPH_BIN" -c "$CFG1" maintenance & rp=$!
for _ in $(seq 100); do [ -s "$MARK" ] && break; sleep 0.05; done
kill -TERM "$rp"; rc=0; wait "$rp" || rc=$?
expect_eq "SIGTERM to ralph is forwarded to the script (its exit code 7 comes back)" "$rc:$(cat "$MARK")" "7:got TERM"

# Streamed through unchanged, with the resolved configuration in the environment and no secret in argv.
cat > "$F/health-check.sh" <<'SH'
#!/bin/sh
echo "out line 1"; echo "err line" >&2
echo "store=$RALPH_STORE_URL state=$RALPH_STATE_DIR bin=$RALPH_BIN listen=$RALPH_DAEMON_HTTP_LISTEN"
echo "token=$RALPH_DAEMON_HTTP_TOKEN retention=$RALPH_RETENTION backups=$RALPH_BACKUP_DIR"
echo "args=$*"
SH
chmod 755 "$F/health-check.sh"
run env_seen env RALPH_SCRIPTS_DIR="$F" "$RALPH_BIN" -c "$CFG1" --set "daemon.http_token=tok-$SECRET" \
  --set ops.retention=12h --set "ops.backup_dir=$T/bk" health --no-daemon
expect_eq "the script's stdout passes through unchanged" "$(out_of env_seen)" "out line 1
store=sqlite://$T/state1/ralph.db state=$T/state1 bin=$RALPH_BIN listen=127.0.0.1:1
token=tok-$SECRET retention=12h backups=$T/bk
args=--no-daemon"
expect_eq "…and its stderr" "$(err_of env_seen)" "err line"
audit_json "$CFG1" --what health --limit 1 > "$T/h.json"
expect_contains "the --set token is masked in the audit record" "$(jq_ 'd[0]["args"]' < "$T/h.json")" \
  "'daemon.http_token=[REDACTED]'"

# --- the real health check, --json, and the store down --------------------------------------
run health r1 health
expect_eq "health with no daemon listening exits 1" "$rc" "1"
expect_contains "…with a FAIL line for the daemon" "$(out_of health)" "FAIL daemon /healthz:"
run hjson r1 health --json
expect_eq "health --json: same exit code" "$rc" "1"
expect_eq "…{ok, checks: [{check, ok, detail}]}" \
  "$(jq_ '(d["ok"], [(c["check"], c["ok"]) for c in d["checks"]], sorted(d["checks"][0].keys()))' < "$T/hjson.out")" \
  "(False, [('daemon /healthz', False), ('store', True), ('disk', True)], ['check', 'detail', 'ok'])"
run hok r1 health --no-daemon --quiet
expect_eq "health --no-daemon --quiet: exit 0, silent" "$rc:$(out_of hok)" "0:"
PGDOWN="postgresql://ralph:$SECRET@127.0.0.1:1/ralph"
run hdown r1 --set "store.url=$PGDOWN" health --no-daemon
expect_eq "health with the store down still runs, and fails (1)" "$rc" "1"
expect_contains "…a FAIL line for the store" "$(out_of hdown)" "FAIL store:"
expect_contains "…and says the audit record could not be written" "$(err_of hdown)" "could not write the audit record"
[[ "$(out_of hdown)$(err_of hdown)" != *"$SECRET"* ]] && pass "…without printing the password" \
  || fail "password printed" "$(out_of hdown)$(err_of hdown)"

# --- maintenance through the CLI ----------------------------------------------------------------
run maint r1 maintenance --dry-run --retention 1d -v
expect_eq "maintenance --dry-run -v exits 0" "$rc" "0"
js=$(audit_json "$CFG1" --what maintenance --limit 1)
expect_eq "…recorded, with --verbose passed on" "$(jq_ '(d[0]["exit_code"], d[0]["args"][-5:])' <<<"$js")" \
  "(0, ['maintenance', '--dry-run', '--retention', '1d', '-v'])"

# --- failover through the CLI (scripts/failover.sh; draining real daemons: its own suite) -----------------
run fo_ok r1 --set "failover.promote_command=echo promoted > $T/promoted" failover --promote --timeout 5
expect_eq "failover --promote runs failover.promote_command from the config and exits 0" "$rc:$(cat "$T/promoted" 2>&1)" \
  "0:promoted"
expect_contains "…its summary passes through on stdout" "$(out_of fo_ok)" "promoted: 0 daemon(s) reconnected"
run fo_bad r1 --set "failover.promote_command=exit 3" failover --promote --timeout 5
expect_eq "a failing promote command: 4 (the script's code)" "$rc" "4"
run fo_none r1 failover --instance no-such-instance --timeout 5
expect_eq "failover --instance of an unknown instance: 1" "$rc" "1"
expect_eq "each failover run is audited with its exit code" \
  "$(audit_json "$CFG1" --what failover --limit 3 | jq_ '[r["exit_code"] for r in d]')" "[1, 4, 0]"

# --- no secret anywhere in the audit table --------------------------------------------------------
run secret_restore r1 restore "postgresql://ralph:$SECRET@db.example/ralph"
[ "$rc" != 0 ] && pass "restore of a URL instead of a directory fails ($rc)" || fail "restore of a URL" "exit 0"
dump=$(sqlite3 "$T/state1/ralph.db" "SELECT * FROM audit")
[[ "$dump" != *"$SECRET"* ]] && pass "no password or token in the audit table ($(wc -l <<<"$dump") records)" \
  || fail "secret in the audit table" "$dump"
expect_contains "…the URL is kept, its password masked" "$dump" "postgresql://ralph:"
run atext r1 audit --limit 3
expect_eq "ralph audit (text) exits 0" "$rc" "0"
expect_contains "…and shows who ran what" "$(out_of atext)" "$WHO"

# --- doctor ----------------------------------------------------------------------------------------
run doc0 r1 doctor --json
expect_eq "doctor: the state dir (0700, ours) and the store file pass" \
  "$(jq_ '[c["ok"] for c in d["checks"] if c["check"] in ("state dir", "store file", "store", "config")]' < "$T/doc0.out")" \
  "[True, True, True, True]"
chmod 644 "$T/state1/ralph.db"
run doc1 r1 doctor
expect_eq "doctor exits 1 when the store file is readable by others" "$rc" "1"
expect_contains "…and says how to fix it" "$(out_of doc1)" "FAIL store file: $T/state1/ralph.db has mode 0644, readable by others; fix: chmod 600 $T/state1/ralph.db"
chmod 600 "$T/state1/ralph.db"; chmod 755 "$T/state1"
run doc2 r1 doctor
expect_contains "doctor finds a state directory others can read" "$(out_of doc2)" "FAIL state dir: $T/state1 has mode 0755"
chmod 700 "$T/state1"
run doc3 env RALPH_SCRIPTS_DIR="$T/nowhere" "$RALPH_BIN" -c "$CFG1" doctor
expect_contains "doctor finds missing scripts" "$(out_of doc3)" "FAIL script backup.sh: not found (looked for $T/nowhere/backup.sh)"

# --- PostgreSQL ------------------------------------------------------------------------------------
set +e
if [ -n "${RALPH_TEST_PG_URL:-}" ]; then
  bash "$0" --pg-part 2>&1 | sed -u 's/^/  [pg] /'
else
  "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" --no-redis -- bash "$0" --pg-part 2>&1 | sed -u 's/^/  [pg] /'
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
# The server trusts local connections: the password is ignored, but it is in the URL.
U=${RALPH_TEST_PG_URL/ralph@/ralph:$SECRET@}
U2="${U%/*}/ralph_cli_restore"
psql_() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$RALPH_TEST_PG_URL" -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
psql_ "DROP DATABASE IF EXISTS ralph_cli_restore" && psql_ "CREATE DATABASE ralph_cli_restore"
CFG="$T/pg.toml" CFGR="$T/pgr.toml"
write_config "$CFG" "$T/pgstate" "$U"
write_config "$CFGR" "$T/pgstate2" "$U2"
"$RALPH_BIN" -c "$CFG" migrate >/dev/null
id=$("$RALPH_BIN" -c "$CFG" submit -q -C "$(new_w p)")
run pgb "$RALPH_BIN" -c "$CFG" backup --to "$T/pgbackups"
expect_eq "pg: ralph backup exits 0" "$rc:$(err_of pgb)" "0:"
PB=$(out_of pgb)
[ -f "$PB/ralph.pgdump" ] && pass "pg: …a pg_dump archive" || fail "pg: dump" "$PB"
run pgr "$RALPH_BIN" -c "$CFGR" restore "$PB"
expect_eq "pg: ralph restore into another database exits 0" "$rc" "0"
expect_eq "pg: …which has the task" "$(psql -X -q -t -A -d "${RALPH_TEST_PG_URL%/*}/ralph_cli_restore" -c "SELECT count(*) FROM tasks WHERE id = $id")" "1"
js=$(audit_json "$CFGR")
expect_eq "pg: the restored database has the restore's record (and the source's submit and backup)" \
  "$(jq_ '[r["what"] for r in d]' <<<"$js")" "['restore', 'submit']"
js=$(audit_json "$CFG")
expect_eq "pg: the source has submit and backup, newest first" "$(jq_ '[(r["what"], r["task"]) for r in d]' <<<"$js")" \
  "[('backup', None), ('submit', $id)]"
dump=$(psql_ "SELECT * FROM audit")
[[ "$dump$(audit_json "$CFGR")" != *"$SECRET"* ]] && pass "pg: the store URL's password is in no audit record" \
  || fail "pg: secret in the audit table" "$dump"
e2e_finish
