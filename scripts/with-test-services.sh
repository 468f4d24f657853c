#!/usr/bin/env bash
# Runs a command with a private PostgreSQL (and Redis, when installed) that
# exist only for it: started on a free loopback port and a private socket
# directory, stopped and deleted afterwards. Exports:
#   RALPH_TEST_PG_URL     postgresql://ralph@127.0.0.1:PORT/ralph_test
#   RALPH_TEST_REDIS_URL  unix socket path of redis (empty without redis-server)
#   RALPH_TEST_PG_CTL, RALPH_TEST_PG_DATA  pg_ctl and the data directory, to
#                         stop and start the server (as the postgres user when root)
# PostgreSQL runs as the `postgres` user when started by root: initdb refuses root.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/with-test-services.sh [--no-redis] [--] COMMAND [ARGS...]

Starts a throw-away PostgreSQL (and Redis unless --no-redis or not installed),
runs COMMAND with RALPH_TEST_PG_URL and RALPH_TEST_REDIS_URL set, then stops
them. Exits with COMMAND's exit code; 125 (skip) when PostgreSQL is not
installed, unless CI=true, where that is an error.
USAGE
}

with_redis=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-redis) with_redis=0; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "with-test-services.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { usage >&2; exit 2; }

pg_bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  if [ "${CI:-}" = true ]; then echo "with-test-services.sh: PostgreSQL is not installed" >&2; exit 1; fi
  echo "SKIP: PostgreSQL is not installed (scripts/install-deps.sh installs it)"; exit 125
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/ralph-services.XXXXXX")
chmod 755 "$dir"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
pg_ctl() { "${as_pg[@]}" "$pg_bin/pg_ctl" "$@"; }
redis_pid=

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  pg_ctl -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
  # A test may have shut Redis down itself (to test an outage).
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"${as_pg[@]}" "$pg_bin/initdb" -D "$dir/pg" -U ralph --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
port=$(free_port)
# Settings in the data directory, so a test can restart the server with
# plain `pg_ctl -D "$RALPH_TEST_PG_DATA" start`. fsync off: the data is thrown
# away, and the tests are about logic, not disks.
cat >> "$dir/pg/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
listen_addresses = '127.0.0.1'
fsync = off
max_connections = 200
logging_collector = off
CONF
pg_ctl -D "$dir/pg" -l "$dir/pg.log" -w -t 30 start >/dev/null || { cat "$dir/pg.log" >&2; exit 1; }
"${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U ralph ralph_test
export RALPH_TEST_PG_URL="postgresql://ralph@127.0.0.1:$port/ralph_test"
export RALPH_TEST_PG_CTL="$pg_bin/pg_ctl" RALPH_TEST_PG_DATA="$dir/pg"

export RALPH_TEST_REDIS_URL=""
if [ "$with_redis" = 1 ] && command -v redis-server >/dev/null; then
  redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 --save "" --appendonly no \
    >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do [ -S "$dir/redis.sock" ] && break; sleep 0.05; done
  [ -S "$dir/redis.sock" ] || { cat "$dir/redis.log" >&2; exit 1; }
  export RALPH_TEST_REDIS_URL="unix://$dir/redis.sock"
fi

set +e
"$@"
rc=$?
set -e
exit "$rc"
