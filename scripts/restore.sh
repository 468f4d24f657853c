#!/usr/bin/env bash
# Restores a backup made by backup.sh: verifies it completely before touching
# anything, swaps the store in atomically, puts the task logs back, and
# migrates the schema.
set -euo pipefail

prog=restore.sh

usage() {
  cat <<'USAGE'
Usage: restore.sh [options] BACKUP_DIR

Restores a backup made by backup.sh into the configured store (and, when the
backup has them, the task logs into STATE_DIR/tasks), then applies schema
migrations with `ralph migrate`.

Nothing is touched until the backup checks out: the MANIFEST's own checksum,
then the size and sha256 of every file it lists. A corrupt or truncated
backup is refused (exit 4) and the current store stays as it was.

  SQLite      the backup is copied next to the store, checked again (sha256,
              PRAGMA integrity_check, schema version), then renamed over it.
              The previous store is kept as ralph.db.pre-restore (with its
              -wal), the previous logs as STATE_DIR/tasks.pre-restore.
  PostgreSQL  one transaction drops the tables of the store's database
              (schema public: the database must be ralph's own) and restores
              the pg_dump archive; any error rolls everything back.

A store that a daemon uses is not restored (exit 3): for SQLite, ralphd holds
an flock on <db>.lock (restore.sh holds it too while it works, so no ralphd
starts meanwhile); for PostgreSQL, an active instance in the instances table.
Stop the daemons first. --force restores anyway: then restart every ralphd
at once, since a running one still has the old store open.

Iteration records name their log files: when the logs are restored into
another state directory than the backup's, those paths are rewritten to it.

Options (they override the environment):
  --force           restore even while a daemon uses the store
  --no-logs         restore the store only, leave STATE_DIR/tasks as it is
  --state-dir DIR   ralph's state directory
                    [RALPH_STATE_DIR or RALPH_PATHS_STATE_DIR, else ralph's default]
  --store-url URL   sqlite:///path, a plain path, or postgresql://...
                                             [RALPH_STORE_URL, else STATE_DIR/ralph.db]
  -h, --help        this help
The ralph binary for the migration: RALPH_BIN, else `ralph` on PATH.

Exit codes:
  0  restored
  1  failure (the store could not be written, the migration failed, ...)
  2  usage error (also: a backup of the other store kind)
  3  refused: a daemon is using the store (see --force)
  4  refused: the backup is corrupt, truncated or not a ralph backup
USAGE
}

die() { echo "$prog: $*" >&2; exit 1; }
usage_error() { echo "$prog: $*" >&2; echo "Try '$prog --help'." >&2; exit 2; }
refuse_running() { echo "$prog: $*" >&2; exit 3; }
corrupt() { echo "$prog: refusing the backup $backup: $*; the store was not touched" >&2; exit 4; }
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi; }

force=0
with_logs=1
backup=
state_dir=${RALPH_STATE_DIR:-${RALPH_PATHS_STATE_DIR:-}}
store_url=${RALPH_STORE_URL:-}
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --force) force=1; shift ;;
    --no-logs) with_logs=0; shift ;;
    --state-dir) need_arg "$@"; state_dir=$2; shift 2 ;;
    --state-dir=*) state_dir=${1#*=}; shift ;;
    --store-url) need_arg "$@"; store_url=$2; shift 2 ;;
    --store-url=*) store_url=${1#*=}; shift ;;
    --) shift; [ $# -eq 1 ] || usage_error "expected one BACKUP_DIR"; backup=$1; shift ;;
    -*) usage_error "unknown option '$1'" ;;
    *) [ -z "$backup" ] || usage_error "expected one BACKUP_DIR, got '$backup' and '$1'"; backup=$1; shift ;;
  esac
done
[ -n "$backup" ] || usage_error "which backup? (a directory made by backup.sh)"

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
fi
ralph_bin=${RALPH_BIN:-$(command -v ralph || true)}
if [ "$kind" = sqlite ]; then
  command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
else
  for t in psql pg_restore; do command -v "$t" >/dev/null || die "$t is not installed (apt-get install postgresql-client)"; done
fi

umask 077
sql_quote() { printf '%s' "${1//\'/\'\'}"; }
sqlite() { sqlite3 -batch -bail -cmd ".timeout 30000" "$@"; }

# --- 1. verify the backup, before anything else ---------------------------------
[ -e "$backup" ] || die "no backup at $backup"
if [ -f "$backup" ] && [ "$(basename -- "$backup")" = MANIFEST ]; then backup=$(dirname -- "$backup"); fi
[ -d "$backup" ] || corrupt "it is not a directory made by backup.sh"
backup=$(realpath -- "$backup")
manifest="$backup/MANIFEST"
[ -f "$manifest" ] || corrupt "it has no MANIFEST (not a ralph backup, or an incomplete one)"
[ -r "$manifest" ] || die "cannot read $manifest"
last=$(tail -n 1 -- "$manifest")
[[ "$last" =~ ^end:\ ([0-9a-f]{64})$ ]] || corrupt "its MANIFEST is truncated (no final checksum line)"
want=${BASH_REMATCH[1]}
got=$(head -n -1 -- "$manifest" | sha256sum | cut -d' ' -f1)
[ "$got" = "$want" ] || corrupt "its MANIFEST was altered or damaged (checksum mismatch)"

field() { sed -n "s/^$1: //p" "$manifest" | head -n 1; }
[ "$(field format)" = 1 ] || corrupt "its MANIFEST has an unknown format '$(field format)' (made by a newer ralph?)"
b_kind=$(field store_kind)
b_state_dir=$(field state_dir)
b_schema=$(field schema_version)
[[ "$b_schema" =~ ^[0-9]+$ ]] || corrupt "its MANIFEST has no schema version"
case "$b_kind" in
  sqlite) store_file=ralph.db ;;
  postgresql) store_file=ralph.pgdump ;;
  *) corrupt "its MANIFEST names an unknown store kind '$b_kind'" ;;
esac
[ "$b_kind" = "$kind" ] || usage_error "the backup is of a $b_kind store, but the store to restore into is $kind ($shown_url)"

declare -A listed=()
while read -r sum size fname; do
  [[ "$sum" =~ ^[0-9a-f]{64}$ && "$size" =~ ^[0-9]+$ && "$fname" =~ ^[A-Za-z0-9._-]+$ ]] \
    || corrupt "its MANIFEST has a malformed file line"
  f="$backup/$fname"
  [ -f "$f" ] || corrupt "$fname is missing"
  actual=$(stat -c %s -- "$f")
  if [ "$actual" -lt "$size" ]; then corrupt "$fname is truncated ($actual of $size bytes)"; fi
  if [ "$actual" -ne "$size" ]; then corrupt "$fname has $actual bytes, the MANIFEST says $size"; fi
  [ "$(sha256sum -- "$f" | cut -d' ' -f1)" = "$sum" ] || corrupt "$fname is corrupt (sha256 mismatch)"
  listed[$fname]=$sum
done < <(sed -n 's/^file: //p' "$manifest")
[ -n "${listed[$store_file]:-}" ] || corrupt "its MANIFEST lists no $store_file"
restore_logs=0
if [ "$with_logs" = 1 ] && [ -n "${listed[logs.tar.gz]:-}" ]; then restore_logs=1; fi
if [ "$restore_logs" = 1 ]; then
  gzip -t -- "$backup/logs.tar.gz" 2>/dev/null || corrupt "logs.tar.gz is not a valid archive"
fi
if [ "$kind" = postgresql ]; then
  # The whole archive, data included: -l alone reads only its table of contents.
  err=$(pg_restore -f /dev/null -- "$backup/$store_file" 2>&1) || corrupt "$store_file is not a readable pg_dump archive: $err"
fi

# --- 2. nothing uses the store ------------------------------------------------------
temps=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { local p; for p in "${temps[@]}"; do rm -rf -- "$p"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$kind" = sqlite ]; then
  # A new directory is private (umask 077), as ralph makes it; an existing one keeps its mode.
  mkdir -p -- "$(dirname -- "$db")" || die "cannot create $(dirname -- "$db")"
  # ralphd's lock (daemon/store_lock.cpp). Held until we exit, so no daemon starts mid-restore.
  exec {lock_fd}<>"$db.lock" || die "cannot open $db.lock"
  if ! flock -n "$lock_fd"; then
    holder=$(head -c 32 -- "$db.lock" 2>/dev/null | tr -dc 0-9)
    if [ "$force" = 1 ]; then
      echo "$prog: warning: ralphd${holder:+ (pid $holder)} is using $db; restoring anyway (--force): restart it now" >&2
    else
      refuse_running "ralphd${holder:+ (pid $holder)} is using the store $db; stop it first, or restore with --force"
    fi
  fi
else
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
  psql_() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$store_url" -c "$1" 2>&1; }
  have=$(psql_ "SELECT to_regclass('instances') IS NOT NULL") || die "cannot reach the store $shown_url: $(mask_url "$have")"
  active=
  if [ "$have" = t ]; then
    active=$(psql_ "SELECT coalesce(string_agg(id || ' (' || host || ', pid ' || pid || ')', ', '), '') FROM instances
                      WHERE state IN ('active', 'draining')
                        AND expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint") \
      || die "cannot read the instances of $shown_url: $(mask_url "$active")"
  fi
  if [ -n "$active" ]; then
    if [ "$force" = 1 ]; then
      echo "$prog: warning: ralphd instances use $shown_url: $active; restoring anyway (--force): restart them now" >&2
    else
      refuse_running "ralphd instances use the store $shown_url: $active; stop them first, or restore with --force"
    fi
  fi
fi

# --- 3. prepare everything next to its target ----------------------------------------
old_tasks="$b_state_dir/tasks/"
new_tasks="$state_dir/tasks/"
rewrite_paths=0
if [ "$restore_logs" = 1 ] && [ -n "$b_state_dir" ] && [ "$old_tasks" != "$new_tasks" ]; then rewrite_paths=1; fi

if [ "$restore_logs" = 1 ]; then
  mkdir -p -- "$state_dir"
  logs_tmp=$(mktemp -d "$state_dir/.tasks.restore.XXXXXX") || die "cannot write to $state_dir"
  temps+=("$logs_tmp")
  err=$(tar -xzf "$backup/logs.tar.gz" -C "$logs_tmp" 2>&1) || corrupt "cannot unpack logs.tar.gz: $err"
  mkdir -p -- "$logs_tmp/tasks"
fi

if [ "$kind" = sqlite ]; then
  tmp=$(mktemp "$db.restore.XXXXXX") || die "cannot write next to $db"
  temps+=("$tmp" "$tmp-wal" "$tmp-shm" "$tmp-journal")
  cp -- "$backup/$store_file" "$tmp" || die "cannot copy the backup to $tmp (disk full?)"
  [ "$(sha256sum -- "$tmp" | cut -d' ' -f1)" = "${listed[$store_file]}" ] || die "the copy $tmp differs from the backup (disk problem?)"
  check=$(sqlite "$tmp" "PRAGMA integrity_check" 2>&1) || corrupt "$store_file cannot be opened: $check"
  [ "$check" = ok ] || corrupt "$store_file fails PRAGMA integrity_check: $(head -n 3 <<<"$check")"
  tables=$(sqlite "$tmp" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('tasks','iterations','events')")
  [ "$tables" = 3 ] || corrupt "$store_file is not a ralph store"
  [ "$(sqlite "$tmp" "PRAGMA user_version")" = "$b_schema" ] || corrupt "$store_file has another schema version than its MANIFEST"
  if [ "$rewrite_paths" = 1 ]; then
    o=$(sql_quote "$old_tasks"); n=$(sql_quote "$new_tasks")
    sqlite "$tmp" "BEGIN;
      UPDATE iterations SET log_path = '$n' || substr(log_path, length('$o') + 1) WHERE substr(log_path, 1, length('$o')) = '$o';
      UPDATE iterations SET prompt_path = '$n' || substr(prompt_path, length('$o') + 1) WHERE substr(prompt_path, 1, length('$o')) = '$o';
      COMMIT;" || die "cannot rewrite the log paths in $tmp"
  fi
  sync -- "$tmp" 2>/dev/null || true

  # --- 4. swap: the old store becomes ralph.db.pre-restore (with its WAL) ------------
  if [ -f "$db" ]; then
    # Fold the WAL into the old file when it can be read; a damaged store is
    # kept as it is, WAL and all.
    sqlite "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null 2>&1 || true
    rm -f -- "$db.pre-restore" "$db.pre-restore-wal" "$db.pre-restore-shm" "$db.pre-restore-journal"
    ln -- "$db" "$db.pre-restore" 2>/dev/null || cp -p -- "$db" "$db.pre-restore" || die "cannot keep the old store as $db.pre-restore"
    # A leftover WAL or journal would be replayed onto the restored file: move them with the old store.
    if [ -e "$db-wal" ]; then mv -f -- "$db-wal" "$db.pre-restore-wal"; fi
    if [ -e "$db-journal" ]; then mv -f -- "$db-journal" "$db.pre-restore-journal"; fi
    rm -f -- "$db-shm"
  fi
  mv -f -- "$tmp" "$db" || die "cannot rename $tmp to $db"
  sync -- "$(dirname -- "$db")" 2>/dev/null || true
else
  o=$old_tasks; n=$new_tasks
  rewrite_sql=
  if [ "$rewrite_paths" = 1 ]; then
    rewrite_sql="UPDATE public.iterations SET log_path = :'new_tasks' || substr(log_path, length(:'old_tasks') + 1)
                   WHERE left(log_path, length(:'old_tasks')) = :'old_tasks';
                 UPDATE public.iterations SET prompt_path = :'new_tasks' || substr(prompt_path, length(:'old_tasks') + 1)
                   WHERE left(prompt_path, length(:'old_tasks')) = :'old_tasks';"
  fi
  # One transaction: without COMMIT (pg_restore failed, psql stopped on an
  # error) the server rolls all of it back.
  err=$({
    echo "BEGIN;"
    echo "DO \$\$DECLARE r record; BEGIN
            FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
              EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.tablename);
            END LOOP;
          END\$\$;"
    pg_restore --no-owner --no-acl -f - -- "$backup/$store_file" || exit 1
    echo "$rewrite_sql"
    echo "COMMIT;"
  } | psql -X -q -v ON_ERROR_STOP=1 -v "old_tasks=$o" -v "new_tasks=$n" -d "$store_url" 2>&1 >/dev/null) \
    || die "the restore into $shown_url failed and was rolled back: $(mask_url "$err")"
fi

if [ "$restore_logs" = 1 ]; then
  if [ -e "$state_dir/tasks" ]; then
    rm -rf -- "$state_dir/tasks.pre-restore"
    mv -T -- "$state_dir/tasks" "$state_dir/tasks.pre-restore" || die "store restored, but cannot move $state_dir/tasks aside"
  fi
  mv -T -- "$logs_tmp/tasks" "$state_dir/tasks" || die "store restored, but cannot put the logs into $state_dir/tasks"
fi

# --- 5. migrations --------------------------------------------------------------------
if [ -z "$ralph_bin" ]; then
  echo "$prog: restored; ralph is not on PATH (or RALPH_BIN), so run \`ralph migrate\` before using the store" >&2
  exit 0
fi
err=$("$ralph_bin" --state-dir "$state_dir" --set "store.url=$store_url" migrate 2>&1 >/dev/null) \
  || die "restored, but \`ralph migrate\` failed: $(mask_url "$err")"
exit 0
