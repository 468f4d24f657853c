#!/usr/bin/env bash
# Store maintenance for cron: retention of finished tasks (with their
# iterations, events and logs), ANALYZE/VACUUM, rotation of log files in the
# state directory, and a disk-space check. Idempotent; one run at a time.
set -euo pipefail

prog=maintenance.sh

usage() {
  cat <<'USAGE'
Usage: maintenance.sh [options]

1. Retention: deletes the tasks that finished (completed, stopped, failed or
   cancelled) before now minus DUR, with their iteration records, events and
   log directories (STATE_DIR/tasks/ID). Queued and running tasks are never
   touched, however old, nor anything that finished within DUR. Deletes run in
   small transactions, so a running ralphd is never held up for long. Events
   and log directories older than DUR whose task no longer exists go too.
   Audit records (`ralph audit`) older than --audit-retention go as well.
2. Statistics and space: SQLite: ANALYZE (sampled); VACUUM when free pages
   remain and no ralphd holds the store (a VACUUM locks writers out; free pages
   are reused anyway). PostgreSQL: VACUUM (ANALYZE) of ralph's tables.
3. Log rotation: *.log files directly in STATE_DIR (e.g. a redirected ralphd
   log) bigger than --rotate-mb are copied to NAME.1.gz (keeping 5) and
   truncated. Task logs are never rotated: `ralph logs` reads them.
4. Disk space: fails when the state directory's (or the SQLite store's) file
   system has less than --min-free-mb MB free.

Quiet on success. Only one run at a time: it holds an flock on
STATE_DIR/maintenance.lock; a second run says so on stderr and exits 0, or
waits for the first with --wait. Running it again changes nothing.

Options (they override the environment):
  --retention DUR   keep finished tasks this long: 30d, 12h, 1d12h, 90m (a unit
                    is required)                       [RALPH_RETENTION, else 30d]
  --audit-retention DUR
                    keep audit records this long (a unit is required)
                                                       [RALPH_AUDIT_RETENTION, else 365d]
  --min-free-mb N   disk-space threshold in MB         [RALPH_MIN_FREE_MB, else 1024]
  --rotate-mb N     rotate STATE_DIR/*.log above N MB  [RALPH_LOG_ROTATE_MB, else 64]
  --vacuum WHEN     auto (above), always, never        [auto]
  --wait            wait for a concurrent run instead of skipping
  --dry-run         change nothing; print what would be deleted
  -v, --verbose     print a summary of what was done
  --state-dir DIR   ralph's state directory
                    [RALPH_STATE_DIR or RALPH_PATHS_STATE_DIR, else ralph's default]
  --store-url URL   sqlite:///path, a plain path, or postgresql://...
                                             [RALPH_STORE_URL, else STATE_DIR/ralph.db]
  -h, --help        this help

Exit codes: 0 ok (also: skipped, another run holds the lock), 1 failure or
low disk space, 2 usage error.
USAGE
}

die() { echo "$prog: $*" >&2; exit 1; }
usage_error() { echo "$prog: $*" >&2; echo "Try '$prog --help'." >&2; exit 2; }
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi; }

retention=${RALPH_RETENTION:-30d}
audit_retention=${RALPH_AUDIT_RETENTION:-365d}
min_free_mb=${RALPH_MIN_FREE_MB:-1024}
rotate_mb=${RALPH_LOG_ROTATE_MB:-64}
vacuum=auto
wait_lock=0
dry_run=0
verbose=0
state_dir=${RALPH_STATE_DIR:-${RALPH_PATHS_STATE_DIR:-}}
store_url=${RALPH_STORE_URL:-}
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --retention) need_arg "$@"; retention=$2; shift 2 ;;
    --retention=*) retention=${1#*=}; shift ;;
    --audit-retention) need_arg "$@"; audit_retention=$2; shift 2 ;;
    --audit-retention=*) audit_retention=${1#*=}; shift ;;
    --min-free-mb) need_arg "$@"; min_free_mb=$2; shift 2 ;;
    --min-free-mb=*) min_free_mb=${1#*=}; shift ;;
    --rotate-mb) need_arg "$@"; rotate_mb=$2; shift 2 ;;
    --rotate-mb=*) rotate_mb=${1#*=}; shift ;;
    --vacuum) need_arg "$@"; vacuum=$2; shift 2 ;;
    --vacuum=*) vacuum=${1#*=}; shift ;;
    --wait) wait_lock=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -v|--verbose) verbose=1; shift ;;
    --state-dir) need_arg "$@"; state_dir=$2; shift 2 ;;
    --state-dir=*) state_dir=${1#*=}; shift ;;
    --store-url) need_arg "$@"; store_url=$2; shift 2 ;;
    --store-url=*) store_url=${1#*=}; shift ;;
    *) usage_error "unexpected argument '$1'" ;;
  esac
done

# ralph's duration syntax (core/domain/duration.cpp), but a unit is required:
# a bare "30" would mean 30 seconds there, and delete far too much here.
duration_ms() {
  local text=$1 total=0 n unit
  [[ "$text" =~ ^([0-9]+(ms|s|m|h|d))+$ ]] || return 1
  while [[ "$text" =~ ^([0-9]+)(ms|s|m|h|d)(.*)$ ]]; do
    n=$((10#${BASH_REMATCH[1]})); unit=${BASH_REMATCH[2]}; text=${BASH_REMATCH[3]}
    case "$unit" in
      ms) total=$((total + n)) ;;
      s) total=$((total + n * 1000)) ;;
      m) total=$((total + n * 60000)) ;;
      h) total=$((total + n * 3600000)) ;;
      d) total=$((total + n * 86400000)) ;;
    esac
  done
  echo "$total"
}
retention_ms=$(duration_ms "$retention") || usage_error "--retention expects a duration with a unit (30d, 12h, 1d12h), got '$retention'"
[ "$retention_ms" -gt 0 ] || usage_error "--retention must be more than 0"
audit_retention_ms=$(duration_ms "$audit_retention") || usage_error "--audit-retention expects a duration with a unit (365d, 90d), got '$audit_retention'"
[ "$audit_retention_ms" -gt 0 ] || usage_error "--audit-retention must be more than 0"
[[ "$min_free_mb" =~ ^[0-9]+$ ]] || usage_error "--min-free-mb expects a number of MB, got '$min_free_mb'"
[[ "$rotate_mb" =~ ^[1-9][0-9]*$ ]] || usage_error "--rotate-mb expects a number of MB >= 1, got '$rotate_mb'"
case "$vacuum" in auto|always|never) ;; *) usage_error "--vacuum expects auto, always or never, got '$vacuum'" ;; esac

default_state_dir() {
  if [ "${RALPH_SYSTEM:-}" = 1 ]; then echo /var/lib/ralph
  elif [ -n "${XDG_STATE_HOME:-}" ]; then echo "$XDG_STATE_HOME/ralph"
  elif [ -n "${HOME:-}" ]; then echo "$HOME/.local/state/ralph"
  else echo "${TMPDIR:-/tmp}/ralph-$(id -u)"; fi
}
[ -n "$state_dir" ] || state_dir=$(default_state_dir)
state_dir=$(realpath -m -- "$state_dir")
if [ -z "$store_url" ]; then
  case "${DATABASE_URL:-}" in postgresql://*|postgres://*) store_url=$DATABASE_URL ;; esac
fi
[ -n "$store_url" ] || store_url="sqlite://$state_dir/ralph.db"
mask_url() { sed -E 's#^([a-z]+://[^:/@]*:)[^@]*@#\1****@#' <<<"$1"; }
shown_url=$(mask_url "$store_url")
case "$store_url" in
  postgresql://*|postgres://*) kind=postgresql ;;
  sqlite://*) kind=sqlite; db=${store_url#sqlite://}; db=${db%%\?*} ;;
  *://*) usage_error "unsupported store URL '$shown_url' (sqlite:// or postgresql://)" ;;
  *) kind=sqlite; db=${store_url%%\?*} ;;
esac
if [ "$kind" = sqlite ]; then
  [ -n "$db" ] || usage_error "the store URL names no database file"
  db=$(realpath -m -- "$db")
  command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
  [ -f "$db" ] || die "no store at $db (is the state directory right? --state-dir, RALPH_STATE_DIR)"
else
  command -v psql >/dev/null || die "psql is not installed (apt-get install postgresql-client)"
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
fi

umask 077
say() { if [ "$verbose" = 1 ] || [ "$dry_run" = 1 ]; then echo "$*"; fi; }

# --- one run at a time ----------------------------------------------------------------
mkdir -p -- "$state_dir" || die "cannot create $state_dir"
lock="$state_dir/maintenance.lock"
exec {lock_fd}>>"$lock" || die "cannot open $lock"
if ! flock -n "$lock_fd"; then
  if [ "$wait_lock" = 0 ]; then
    echo "$prog: another maintenance run holds $lock; skipping this one (--wait waits for it)" >&2
    exit 0
  fi
  flock "$lock_fd" || die "cannot lock $lock"
fi

sqlite() { sqlite3 -batch -bail -cmd ".timeout 30000" "$@"; }
psql_() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$store_url" "$@"; }
store_sql() {
  local out
  if [ "$kind" = sqlite ]; then out=$(sqlite "$db" "$1" 2>&1) || die "$db: $out"
  else out=$(psql_ -c "$1" 2>&1) || die "$shown_url: $(mask_url "$out")"; fi
  [ -z "$out" ] || printf '%s\n' "$out"
}

now_ms=$(date +%s%3N)
cutoff=$((now_ms - retention_ms))
finished="'completed', 'stopped', 'failed', 'cancelled'"
old_finished="state IN ($finished) AND coalesce(finished_at, updated_at, created_at) < $cutoff"

# --- 1. retention -----------------------------------------------------------------------
removed_dirs=0
remove_task_dir() {
  local d="$state_dir/tasks/$1"
  if [ -d "$d" ]; then rm -rf -- "$d" && removed_dirs=$((removed_dirs + 1)); fi
}

tasks_deleted=0 iterations_deleted=0 events_deleted=0
if [ "$dry_run" = 1 ]; then
  counts=$(store_sql "SELECT count(*), coalesce(sum(last_seq), 0) FROM tasks WHERE $old_finished")
  counts=${counts//|/ }
  say "would delete ${counts% *} tasks finished before $(date -d "@$((cutoff / 1000))" '+%F %T %Z') (about ${counts#* } iterations) and their logs"
else
  batch=500
  while :; do
    if [ "$kind" = sqlite ]; then
      # One short write transaction per batch: ralphd's writes wait at most that long.
      out=$(store_sql "BEGIN IMMEDIATE;
        CREATE TEMP TABLE doomed AS SELECT id FROM tasks WHERE $old_finished ORDER BY id LIMIT $batch;
        SELECT 'n|' || (SELECT count(*) FROM iterations WHERE task_id IN (SELECT id FROM doomed))
                 || '|' || (SELECT count(*) FROM events WHERE task_id IN (SELECT id FROM doomed));
        SELECT id FROM doomed;
        DELETE FROM iterations WHERE task_id IN (SELECT id FROM doomed);
        DELETE FROM events WHERE task_id IN (SELECT id FROM doomed);
        DELETE FROM tasks WHERE id IN (SELECT id FROM doomed);
        COMMIT;")
    else
      out=$(store_sql "WITH doomed AS (SELECT id FROM tasks WHERE $old_finished ORDER BY id LIMIT $batch
                                        FOR UPDATE SKIP LOCKED),
             di AS (DELETE FROM iterations WHERE task_id IN (SELECT id FROM doomed) RETURNING 1),
             de AS (DELETE FROM events WHERE task_id IN (SELECT id FROM doomed) RETURNING 1),
             dt AS (DELETE FROM tasks WHERE id IN (SELECT id FROM doomed) RETURNING id)
           SELECT 'n|' || (SELECT count(*) FROM di) || '|' || (SELECT count(*) FROM de)
           UNION ALL SELECT id::text FROM dt")
    fi
    n=0
    while IFS='|' read -r first a b; do
      case "$first" in
        n) iterations_deleted=$((iterations_deleted + a)); events_deleted=$((events_deleted + b)) ;;
        ''|*[!0-9]*) ;;
        *) n=$((n + 1)); remove_task_dir "$first" ;;
      esac
    done <<<"$out"
    tasks_deleted=$((tasks_deleted + n))
    [ "$n" -ge "$batch" ] || break
  done

  # Leftovers: events of tasks that are gone, and log directories of tasks that
  # are gone (a run interrupted between its commit and the rm).
  if [ "$kind" = sqlite ]; then
    # Counted first without a write lock (WAL readers block nobody); deleted, if
    # any, in short batches.
    orphans="at < $cutoff AND task_id NOT IN (SELECT id FROM tasks)"
    n=0
    if [ "$(store_sql "SELECT EXISTS (SELECT 1 FROM events WHERE $orphans)")" = 1 ]; then
      while :; do
        m=$(store_sql "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE $orphans LIMIT 5000); SELECT changes();")
        n=$((n + m))
        [ "$m" -ge 5000 ] || break
      done
    fi
  else
    n=$(store_sql "WITH d AS (DELETE FROM events e WHERE at < $cutoff
                                AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = e.task_id) RETURNING 1)
                   SELECT count(*) FROM d")
  fi
  events_deleted=$((events_deleted + n))
  # Audit records: an append-only log, so whole old stretches go at once (the
  # store may predate the audit table: schema < 4 on SQLite, < 3 on PostgreSQL).
  audit_cutoff=$((now_ms - audit_retention_ms)) audit_deleted=0
  if [ "$kind" = sqlite ]; then has_audit="SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'"
  else has_audit="SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'audit'"; fi
  if [ "$(store_sql "$has_audit")" = 1 ]; then
    if [ "$kind" = sqlite ]; then audit_deleted=$(store_sql "DELETE FROM audit WHERE at < $audit_cutoff; SELECT changes();")
    else audit_deleted=$(store_sql "WITH d AS (DELETE FROM audit WHERE at < $audit_cutoff RETURNING 1) SELECT count(*) FROM d"); fi
  fi
  if [ -d "$state_dir/tasks" ]; then
    mapfile -t dirs < <(find "$state_dir/tasks" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' \
      -mmin "+$((retention_ms / 60000))" -printf '%f\n' | sort -n)
    if [ "${#dirs[@]}" -gt 0 ]; then
      existing=$(store_sql "SELECT id FROM tasks ORDER BY id")
      while read -r id; do
        if [ -n "$id" ]; then remove_task_dir "$id"; fi
      done < <(comm -23 <(printf '%s\n' "${dirs[@]}" | sort) <(sort <<<"$existing"))
    fi
  fi
  say "deleted $tasks_deleted tasks finished before $(date -d "@$((cutoff / 1000))" '+%F %T %Z'), $iterations_deleted iterations, $events_deleted events, $removed_dirs log directories, $audit_deleted audit records"
fi

# --- 2. statistics and space ----------------------------------------------------------------
if [ "$dry_run" = 0 ]; then
  if [ "$kind" = sqlite ]; then
    # Sampled, so it is quick on a big store (SQLite >= 3.32).
    store_sql "PRAGMA analysis_limit = 1000; ANALYZE;" >/dev/null
    daemon_running=0
    if [ -e "$db.lock" ] && ! flock -n "$db.lock" true 2>/dev/null; then daemon_running=1; fi
    free_pages=$(store_sql "PRAGMA freelist_count")
    do_vacuum=0
    case "$vacuum" in
      always) do_vacuum=1 ;;
      auto) if [ "$free_pages" -gt 0 ] && [ "$daemon_running" = 0 ]; then do_vacuum=1; fi ;;
    esac
    if [ "$do_vacuum" = 1 ]; then
      store_sql "VACUUM" >/dev/null
      say "vacuumed $db ($free_pages free pages)"
    elif [ "$free_pages" -gt 0 ]; then
      say "not vacuumed: $free_pages free pages, reused as the store grows$([ "$daemon_running" = 1 ] && echo ' (ralphd is running; --vacuum always forces it)')"
    fi
  else
    store_sql "VACUUM (ANALYZE) tasks, iterations, events, instances" >/dev/null
    say "vacuumed and analyzed $shown_url"
  fi
fi

# --- 3. log rotation ---------------------------------------------------------------------------
keep_rotated=5
while IFS= read -r -d '' f; do
  if [ "$dry_run" = 1 ]; then say "would rotate $f"; continue; fi
  for ((i = keep_rotated - 1; i >= 1; i--)); do
    if [ -e "$f.$i.gz" ]; then mv -f -- "$f.$i.gz" "$f.$((i + 1)).gz"; fi
  done
  # copy, then truncate: the writer keeps its file open (it must write with O_APPEND, as >> does).
  if ! { gzip -c -- "$f" > "$f.1.gz.tmp" && mv -f -- "$f.1.gz.tmp" "$f.1.gz" && truncate -s 0 -- "$f"; }; then
    rm -f -- "$f.1.gz.tmp"; die "cannot rotate $f"
  fi
  say "rotated $f"
done < <(find "$state_dir" -mindepth 1 -maxdepth 1 -type f -name '*.log' -size "+${rotate_mb}M" -print0)

# --- 4. disk space ------------------------------------------------------------------------------
low=0
dirs=("$state_dir")
if [ "$kind" = sqlite ]; then dirs+=("$(dirname -- "$db")"); fi
for d in "${dirs[@]}"; do
  free_mb=$(df -Pk -- "$d" | awk 'NR == 2 { print int($4 / 1024) }')
  if [ -z "$free_mb" ]; then echo "$prog: cannot tell the free space of $d" >&2; low=1; continue; fi
  if [ "$free_mb" -lt "$min_free_mb" ]; then
    echo "$prog: low disk space: $free_mb MB free for $d, below $min_free_mb MB" >&2
    low=1
  fi
done
exit "$low"
