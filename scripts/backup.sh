#!/usr/bin/env bash
# Consistent online backup of ralph's store (and optionally the task logs)
# into a new timestamped directory with a checksummed MANIFEST, then
# retention. Safe while ralphd runs and writes: SQLite is copied with
# `VACUUM INTO` (a read transaction: one consistent snapshot, writers keep
# going), PostgreSQL with `pg_dump -Fc` (one repeatable-read snapshot).
set -euo pipefail

prog=backup.sh

usage() {
  cat <<'USAGE'
Usage: backup.sh [options]

Makes a consistent online backup of the ralph store while ralphd runs, writes
it to a new directory DIR/ralph-backup-YYYYMMDDTHHMMSSZ, and prints that
directory's path on stdout (nothing else on success).

  SQLite      sqlite3 DB "VACUUM INTO ..." (then PRAGMA quick_check on the copy)
  PostgreSQL  pg_dump -Fc (pg_dump must be at least the server's major version)

The directory holds ralph.db or ralph.pgdump, logs.tar.gz with --logs (the
state directory's tasks/: every iteration's log, prompt and gate output,
taken after the store, so every recorded iteration's log is complete), and
MANIFEST: store kind, schema version, ralph version, time, and the size and
sha256 of each file. restore.sh verifies it. Files are private (umask 077).
A backup is written under a .partial name and renamed when complete.

Options (they override the environment):
  --to DIR          where backups go            [RALPH_BACKUP_DIR, else STATE_DIR/backups]
  --logs            also archive the task logs  [RALPH_BACKUP_LOGS=1]
  --keep-days N     then delete backups older than N days    [RALPH_BACKUP_KEEP_DAYS]
  --keep N          then keep only the newest N backups      [RALPH_BACKUP_KEEP]
  --state-dir DIR   ralph's state directory
                    [RALPH_STATE_DIR or RALPH_PATHS_STATE_DIR, else ralph's default]
  --store-url URL   sqlite:///path, a plain path, or postgresql://...
                                                [RALPH_STORE_URL, else STATE_DIR/ralph.db]
  -h, --help        this help

Retention only ever deletes complete ralph-backup-* directories in DIR (and
.partial ones left by a crash a day ago); never the backup just made.

Exit codes: 0 ok, 1 failure, 2 usage error.
USAGE
}

die() { echo "$prog: $*" >&2; exit 1; }
usage_error() { echo "$prog: $*" >&2; echo "Try '$prog --help'." >&2; exit 2; }
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi; }

# --- configuration: environment, then options ---------------------------------
to=${RALPH_BACKUP_DIR:-}
with_logs=${RALPH_BACKUP_LOGS:-0}
keep_days=${RALPH_BACKUP_KEEP_DAYS:-}
keep=${RALPH_BACKUP_KEEP:-}
state_dir=${RALPH_STATE_DIR:-${RALPH_PATHS_STATE_DIR:-}}
store_url=${RALPH_STORE_URL:-}
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --to) need_arg "$@"; to=$2; shift 2 ;;
    --to=*) to=${1#*=}; shift ;;
    --logs) with_logs=1; shift ;;
    --keep-days) need_arg "$@"; keep_days=$2; shift 2 ;;
    --keep-days=*) keep_days=${1#*=}; shift ;;
    --keep) need_arg "$@"; keep=$2; shift 2 ;;
    --keep=*) keep=${1#*=}; shift ;;
    --state-dir) need_arg "$@"; state_dir=$2; shift 2 ;;
    --state-dir=*) state_dir=${1#*=}; shift ;;
    --store-url) need_arg "$@"; store_url=$2; shift 2 ;;
    --store-url=*) store_url=${1#*=}; shift ;;
    *) usage_error "unexpected argument '$1'" ;;
  esac
done
case "$with_logs" in 0|1|"") ;; *) usage_error "RALPH_BACKUP_LOGS must be 0 or 1, got '$with_logs'" ;; esac
if [ -n "$keep_days" ] && ! [[ "$keep_days" =~ ^[0-9]+$ ]]; then usage_error "--keep-days expects a whole number of days, got '$keep_days'"; fi
if [ -n "$keep" ] && ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then usage_error "--keep expects a number of backups >= 1, got '$keep'"; fi

# The same defaults as ralph (core/config/environment.cpp, core/app/context.cpp).
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
# Never print a password: postgresql://user:****@host/db.
mask_url() { sed -E 's#^([a-z]+://[^:/@]*:)[^@]*@#\1****@#' <<<"$1"; }
case "$store_url" in
  postgresql://*|postgres://*) kind=postgresql ;;
  sqlite://*) kind=sqlite; db=${store_url#sqlite://}; db=${db%%\?*} ;;
  *://*) usage_error "unsupported store URL '$(mask_url "$store_url")' (sqlite:// or postgresql://)" ;;
  *) kind=sqlite; db=${store_url%%\?*} ;;
esac
if [ "$kind" = sqlite ]; then
  [ -n "$db" ] || usage_error "the store URL names no database file"
  db=$(realpath -m -- "$db")
fi
ralph_bin=${RALPH_BIN:-$(command -v ralph || true)}

# --- tools and source -----------------------------------------------------------
if [ "$kind" = sqlite ]; then
  command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
  [ -f "$db" ] || die "no store at $db (is the state directory right? --state-dir, RALPH_STATE_DIR)"
else
  command -v pg_dump >/dev/null || die "pg_dump is not installed (apt-get install postgresql-client)"
  command -v psql >/dev/null || die "psql is not installed (apt-get install postgresql-client)"
fi
[ -n "$to" ] || to="$state_dir/backups"

umask 077
mkdir -p -- "$to" || die "cannot create the backup directory $to"
to=$(realpath -- "$to")

# Reserve a name: NAME.partial while it is written, NAME once complete.
stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="ralph-backup-$stamp"
n=1
while [ -e "$to/$name" ] || ! mkdir -- "$to/$name.partial" 2>/dev/null; do
  if [ ! -d "$to" ] || [ ! -w "$to" ]; then die "cannot write to the backup directory $to"; fi
  n=$((n + 1)); name="ralph-backup-$stamp-$n"
  [ "$n" -lt 100 ] || die "cannot reserve a backup name in $to"
done
work="$to/$name.partial"
final="$to/$name"
cleanup() { [ -z "${work:-}" ] || rm -rf -- "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

sql_quote() { printf '%s' "${1//\'/\'\'}"; }
now_ms() { date +%s%3N; }
sqlite() { sqlite3 -batch -bail -cmd ".timeout 30000" "$@"; }

created_ms=$(now_ms)
files=()
# --- the store ----------------------------------------------------------------
if [ "$kind" = sqlite ]; then
  out="$work/ralph.db"
  err=$(sqlite "$db" "VACUUM INTO '$(sql_quote "$out")'" 2>&1) || die "cannot copy the store $db: $err"
  check=$(sqlite -readonly "$out" "PRAGMA quick_check" 2>&1) || die "the copy of $db cannot be read: $check"
  [ "$check" = ok ] || die "the copy of $db fails its integrity check (is the store damaged?): $(head -n 3 <<<"$check")"
  schema=$(sqlite -readonly "$out" "PRAGMA user_version")
  has_tasks=$(sqlite -readonly "$out" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='tasks'")
  [ "$has_tasks" = 1 ] || die "$db is not a ralph store (no tasks table)"
  counts=$(sqlite -readonly "$out" "SELECT (SELECT count(*) FROM tasks) || ' ' || (SELECT count(*) FROM iterations)")
  files+=(ralph.db)
else
  out="$work/ralph.pgdump"
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
  psql_() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$store_url" -c "$1" 2>&1; }
  have=$(psql_ "SELECT to_regclass('ralph_schema') IS NOT NULL") \
    || die "cannot reach the store $(mask_url "$store_url"): $(mask_url "$have")"
  [ "$have" = t ] || die "$(mask_url "$store_url") is not a ralph store (no ralph_schema table; run \`ralph migrate\` or start ralphd)"
  schema=$(psql_ "SELECT coalesce(max(version), 0) FROM ralph_schema") \
    || die "cannot read the schema version of $(mask_url "$store_url"): $(mask_url "$schema")"
  err=$(pg_dump -Fc -f "$out" -d "$store_url" 2>&1) \
    || die "pg_dump of $(mask_url "$store_url") failed: $(mask_url "$err")"
  err=$(pg_restore -l "$out" 2>&1 >/dev/null) || die "pg_dump wrote an unreadable archive: $err"
  counts=
  files+=(ralph.pgdump)
fi

# --- the logs, after the store: every iteration the copy records has a complete log.
if [ "$with_logs" = 1 ]; then
  if [ -d "$state_dir/tasks" ]; then
    # Logs of running iterations grow while they are read, and maintenance may
    # remove old ones: neither is an error here (GNU tar exits 1 for both).
    rc=0
    err=$(tar -C "$state_dir" --warning=no-file-changed --warning=no-file-removed --warning=no-file-shrank \
      --ignore-failed-read -czf "$work/logs.tar.gz" tasks 2>&1) || rc=$?
    [ "$rc" -le 1 ] || die "cannot archive the task logs in $state_dir/tasks: $err"
  else
    tar -czf "$work/logs.tar.gz" -T /dev/null || die "cannot write $work/logs.tar.gz"
  fi
  files+=(logs.tar.gz)
fi

# --- the manifest ---------------------------------------------------------------
ralph_version=unknown
if [ -n "$ralph_bin" ] && v=$("$ralph_bin" --version 2>/dev/null | head -n 1); then
  ralph_version=${v#ralph }
fi
{
  echo "# ralph backup; restore.sh checks every line below"
  echo "format: 1"
  echo "created: $(date -u -d "@$((created_ms / 1000))" +%Y-%m-%dT%H:%M:%SZ)"
  echo "created_ms: $created_ms"
  echo "host: $(hostname 2>/dev/null || uname -n)"
  echo "store_kind: $kind"
  echo "store: $(mask_url "$store_url")"
  echo "state_dir: $state_dir"
  echo "schema_version: $schema"
  echo "ralph_version: $ralph_version"
  if [ -n "$counts" ]; then echo "tasks: ${counts% *}"; echo "iterations: ${counts#* }"; fi
  echo "logs: $([ "$with_logs" = 1 ] && echo yes || echo no)"
  for f in "${files[@]}"; do
    echo "file: $(sha256sum -- "$work/$f" | cut -d' ' -f1) $(stat -c %s -- "$work/$f") $f"
  done
} > "$work/MANIFEST.tmp"
# The last line checksums the lines above it: a truncated or edited manifest is refused.
echo "end: $(sha256sum < "$work/MANIFEST.tmp" | cut -d' ' -f1)" >> "$work/MANIFEST.tmp"
mv -- "$work/MANIFEST.tmp" "$work/MANIFEST"
sync -- "$work"/* "$work" 2>/dev/null || sync
mv -T -- "$work" "$final" || die "cannot rename $work to $final"
work=
sync -- "$to" 2>/dev/null || true

# --- retention ------------------------------------------------------------------
# Age from the name (UTC), not mtime, so copying backups around keeps their age.
backup_epoch() {
  local s=${1#ralph-backup-}
  s=${s:0:16}
  date -u -d "${s:0:4}-${s:4:2}-${s:6:2} ${s:9:2}:${s:11:2}:${s:13:2}" +%s 2>/dev/null
}
if [ -n "$keep_days" ] || [ -n "$keep" ]; then
  now=$(date +%s)
  mapfile -t backups < <(find "$to" -mindepth 1 -maxdepth 1 -type d \
    -regextype posix-extended -regex '.*/ralph-backup-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?' -printf '%f\n' | sort -r -V)
  i=0
  for b in "${backups[@]}"; do
    i=$((i + 1))
    [ "$to/$b" = "$final" ] && continue
    [ -f "$to/$b/MANIFEST" ] || continue
    t=$(backup_epoch "$b") || continue
    old=0
    if [ -n "$keep" ] && [ "$i" -gt "$keep" ]; then old=1; fi
    if [ -n "$keep_days" ] && [ $((now - t)) -gt $((keep_days * 86400)) ]; then old=1; fi
    if [ "$old" = 1 ]; then rm -rf -- "${to:?}/$b" || echo "$prog: cannot delete the old backup $to/$b" >&2; fi
  done
  # Leftovers of a run that crashed (a day gives any running backup time to finish).
  find "$to" -mindepth 1 -maxdepth 1 -type d -name 'ralph-backup-*.partial' -mmin +1440 \
    -exec rm -rf -- {} + 2>/dev/null || true
fi

echo "$final"
