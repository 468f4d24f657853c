#!/usr/bin/env bash
# A probe for monitoring: one line per check on stdout, exit 0 when every
# check passes, 1 otherwise.
set -euo pipefail

prog=health-check.sh

usage() {
  cat <<'USAGE'
Usage: health-check.sh [options]

Checks, one line each on stdout ("ok   CHECK: detail" or "FAIL CHECK: why"):
  daemon /healthz  ralphd answers 200 on URL/healthz (curl), with a bearer token
                   when one is given; the token is never printed nor put on a
                   command line
  store            the store answers: SQLite read with sqlite3 (read-only),
                   PostgreSQL `SELECT 1` with psql
  redis            `redis-cli ping` answers PONG; only when a Redis URL is set
  disk             the state directory's file system has --min-free-mb MB free

Options (they override the environment):
  --url URL          ralphd's HTTP address   [RALPH_HEALTH_URL, else http:// plus
                     RALPH_DAEMON_HTTP_LISTEN, else http://127.0.0.1:9187];
                     the daemon check is skipped when that variable is "off"
  --token-file F     file whose first line is the bearer token
                     [RALPH_HTTP_TOKEN_FILE; else the token is RALPH_HTTP_TOKEN
                     or RALPH_DAEMON_HTTP_TOKEN]
  --no-daemon        skip the daemon check (a host that only runs the CLI)
  --redis-url URL    redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://..., or
                     unix:///path/to/socket            [RALPH_REDIS_URL]
  --min-free-mb N    disk-space threshold in MB        [RALPH_MIN_FREE_MB, else 1024]
  --timeout S        seconds each check may take       [5]
  -q, --quiet        print only the failing checks (for cron)
  --state-dir DIR    ralph's state directory
                     [RALPH_STATE_DIR or RALPH_PATHS_STATE_DIR, else ralph's default]
  --store-url URL    sqlite:///path, a plain path, or postgresql://...
                                              [RALPH_STORE_URL, else STATE_DIR/ralph.db]
  -h, --help         this help

Exit codes: 0 every check passed, 1 a check failed, 2 usage error.
USAGE
}

usage_error() { echo "$prog: $*" >&2; echo "Try '$prog --help'." >&2; exit 2; }
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi; }

url=${RALPH_HEALTH_URL:-}
token_file=${RALPH_HTTP_TOKEN_FILE:-}
check_daemon=1
redis_url=${RALPH_REDIS_URL:-}
min_free_mb=${RALPH_MIN_FREE_MB:-1024}
timeout_s=5
quiet=0
state_dir=${RALPH_STATE_DIR:-${RALPH_PATHS_STATE_DIR:-}}
store_url=${RALPH_STORE_URL:-}
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --url) need_arg "$@"; url=$2; shift 2 ;;
    --url=*) url=${1#*=}; shift ;;
    --token-file) need_arg "$@"; token_file=$2; shift 2 ;;
    --token-file=*) token_file=${1#*=}; shift ;;
    --no-daemon) check_daemon=0; shift ;;
    --redis-url) need_arg "$@"; redis_url=$2; shift 2 ;;
    --redis-url=*) redis_url=${1#*=}; shift ;;
    --min-free-mb) need_arg "$@"; min_free_mb=$2; shift 2 ;;
    --min-free-mb=*) min_free_mb=${1#*=}; shift ;;
    --timeout) need_arg "$@"; timeout_s=$2; shift 2 ;;
    --timeout=*) timeout_s=${1#*=}; shift ;;
    -q|--quiet) quiet=1; shift ;;
    --state-dir) need_arg "$@"; state_dir=$2; shift 2 ;;
    --state-dir=*) state_dir=${1#*=}; shift ;;
    --store-url) need_arg "$@"; store_url=$2; shift 2 ;;
    --store-url=*) store_url=${1#*=}; shift ;;
    *) usage_error "unexpected argument '$1'" ;;
  esac
done
[[ "$min_free_mb" =~ ^[0-9]+$ ]] || usage_error "--min-free-mb expects a number of MB, got '$min_free_mb'"
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout expects whole seconds >= 1, got '$timeout_s'"
if [ -n "$token_file" ] && [ ! -r "$token_file" ]; then usage_error "cannot read the token file $token_file"; fi

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
if [ -z "$url" ]; then
  case "${RALPH_DAEMON_HTTP_LISTEN:-}" in
    off) check_daemon=0 ;;
    "") url=http://127.0.0.1:9187 ;;
    0.0.0.0:*) url="http://127.0.0.1:${RALPH_DAEMON_HTTP_LISTEN#*:}" ;;
    "[::]:"*) url="http://[::1]:${RALPH_DAEMON_HTTP_LISTEN##*:}" ;;
    *) url="http://$RALPH_DAEMON_HTTP_LISTEN" ;;
  esac
fi
url=${url%/}

failed=0
ok() { if [ "$quiet" = 0 ]; then printf 'ok   %s: %s\n' "$1" "$2"; fi; }
bad() { printf 'FAIL %s: %s\n' "$1" "$2"; failed=1; }
one_line() { tr '\n' ' ' | sed -E 's/[[:space:]]+$//; s/[[:space:]]+/ /g' | cut -c1-300; }

# --- daemon /healthz ------------------------------------------------------------------------------
if [ "$check_daemon" = 1 ]; then
  if ! command -v curl >/dev/null; then
    bad "daemon /healthz" "curl is not installed"
  else
    token=${RALPH_HTTP_TOKEN:-${RALPH_DAEMON_HTTP_TOKEN:-}}
    if [ -n "$token_file" ]; then token=$(head -n 1 -- "$token_file" | tr -d '\r\n'); fi
    # The header goes to curl on stdin (-K -), never on its command line.
    header=
    if [ -n "$token" ]; then
      escaped=${token//\\/\\\\}; escaped=${escaped//\"/\\\"}
      header="header = \"Authorization: Bearer $escaped\""
    fi
    body=$(mktemp); trap 'rm -f -- "$body"' EXIT
    rc=0
    code=$(printf '%s\n' "$header" | curl -sS -K - -o "$body" -w '%{http_code}' --max-time "$timeout_s" \
      -- "$url/healthz" 2>"$body.err") || rc=$?
    answer=$(head -c 200 -- "$body" | one_line)
    err=$(one_line < "$body.err"); rm -f -- "$body.err"
    if [ "$rc" != 0 ]; then
      case "$rc" in
        7) bad "daemon /healthz" "cannot connect to $url (is ralphd running? daemon.http_listen)" ;;
        28) bad "daemon /healthz" "$url did not answer within ${timeout_s}s" ;;
        *) bad "daemon /healthz" "$url: ${err:-curl exit $rc}" ;;
      esac
    elif [ "$code" = 200 ]; then ok "daemon /healthz" "$url answered ${answer:-200}"
    elif [ "$code" = 401 ]; then
      bad "daemon /healthz" "$url answered 401: $([ -n "$token" ] && echo "the token is wrong" || echo "it needs a token (RALPH_HTTP_TOKEN or --token-file)")"
    else bad "daemon /healthz" "$url answered $code${answer:+: $answer}"; fi
  fi
fi

# --- store ---------------------------------------------------------------------------------------------
if [ "$kind" = sqlite ]; then
  if ! command -v sqlite3 >/dev/null; then bad store "sqlite3 is not installed"
  elif [ ! -f "$db" ]; then bad store "no SQLite store at $db"
  elif [ ! -r "$db" ]; then bad store "$db is not readable"
  else
    rc=0
    out=$(timeout "$timeout_s" sqlite3 -readonly -batch -cmd ".timeout $((timeout_s * 1000))" "$db" \
      "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tasks') || ' ' || user_version
         FROM pragma_user_version" 2>&1) || rc=$?
    if [ "$rc" != 0 ]; then bad store "$db: $(one_line <<<"$out")"
    elif [ "${out% *}" != 1 ]; then bad store "$db is not a ralph store (no tasks table)"
    else ok store "sqlite $db (schema ${out#* })"; fi
  fi
else
  if ! command -v psql >/dev/null; then bad store "psql is not installed"
  else
    rc=0
    out=$(PGCONNECT_TIMEOUT=$timeout_s timeout "$timeout_s" psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$store_url" \
      -c "SELECT 1" 2>&1) || rc=$?
    if [ "$rc" = 0 ] && [ "$out" = 1 ]; then ok store "postgresql $shown_url"
    else bad store "$shown_url: $(mask_url "$(one_line <<<"${out:-no answer within ${timeout_s}s}")")"; fi
  fi
fi

# --- redis ------------------------------------------------------------------------------------------------
if [ -n "$redis_url" ]; then
  shown_redis=$(mask_url "$redis_url")
  args=()
  pass=
  case "$redis_url" in
    unix://*) args=(-s "${redis_url#unix://}") ;;
    /*) args=(-s "$redis_url") ;;
    redis://*|rediss://*)
      rest=${redis_url#*://}
      [[ "$redis_url" == rediss://* ]] && args+=(--tls)
      if [[ "$rest" == *@* ]]; then
        cred=${rest%%@*}; rest=${rest#*@}
        if [[ "$cred" == *:* ]]; then pass=${cred#*:}; cred=${cred%%:*}; else pass=$cred; cred=; fi
        if [ -n "$cred" ]; then args+=(--user "$cred"); fi
      fi
      hostport=${rest%%/*}
      dbn=; if [[ "$rest" == */* ]]; then dbn=${rest#*/}; fi
      host=${hostport%:*}; port=6379
      if [[ "$hostport" == *:* ]]; then port=${hostport##*:}; fi
      args+=(-h "${host:-127.0.0.1}" -p "$port")
      if [ -n "$dbn" ]; then args+=(-n "$dbn"); fi ;;
    *) args=() ;;
  esac
  if [ "${#args[@]}" = 0 ]; then bad redis "unsupported URL $shown_redis (redis://, rediss:// or unix://)"
  elif ! command -v redis-cli >/dev/null; then bad redis "redis-cli is not installed"
  else
    rc=0
    # The password goes through the environment, not the command line.
    auth=(); if [ -n "$pass" ]; then auth=(env "REDISCLI_AUTH=$pass"); fi
    out=$("${auth[@]}" timeout "$timeout_s" redis-cli "${args[@]}" ping 2>&1) || rc=$?
    if [ "$rc" = 0 ] && [ "$out" = PONG ]; then ok redis "$shown_redis"
    else bad redis "$shown_redis: $(one_line <<<"${out:-no answer within ${timeout_s}s}")"; fi
  fi
fi

# --- disk -----------------------------------------------------------------------------------------------------
if [ ! -d "$state_dir" ]; then bad disk "the state directory $state_dir does not exist"
else
  free_mb=$(df -Pk -- "$state_dir" 2>/dev/null | awk 'NR == 2 { print int($4 / 1024) }')
  if [ -z "$free_mb" ]; then bad disk "cannot tell the free space of $state_dir"
  elif [ "$free_mb" -lt "$min_free_mb" ]; then bad disk "$state_dir: $free_mb MB free, below $min_free_mb MB"
  else ok disk "$state_dir: $free_mb MB free"; fi
fi

exit "$failed"
