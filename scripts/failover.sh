#!/usr/bin/env bash
# Failover drill: move the work off one ralphd (drain, or evict), and/or
# promote a standby database and wait until every daemon has reconnected.
# Talks to the store only through `ralph instances`, so it works on SQLite
# and PostgreSQL alike.
set -euo pipefail

prog=failover.sh

usage() {
  cat <<'USAGE'
Usage: failover.sh [--instance ID [--evict]] [--promote] [options]

Steps, one line each on stderr; a summary on stdout:
  --instance ID   drain instance ID (or a unique prefix): it takes no new
                  tasks, hands its running ones back to the queue after their
                  current iteration and stays up, idle (`ralph instances
                  activate ID` undoes it); then wait until it runs no task
  --evict         with --instance: evict it instead: its tasks go back to
                  the queue at once (fenced, progress kept), it stops its
                  agents and exits
  --promote       run the promote command (RALPH_FAILOVER_PROMOTE_COMMAND,
                  config key failover.promote_command; run with sh -c), then
                  wait until every daemon that was alive in the last 120 s
                  has heartbeated after it, i.e. reconnected
  At least one of --instance and --promote; with both, the instance first.

Options:
  --timeout S      seconds to wait for each step       [300]
  --state-dir DIR  ralph's state directory             [ralph's default]
  --store-url URL  the store                           [ralph's configuration]
  -h, --help       this help

The ralph binary is RALPH_BIN, else `ralph` on PATH; its configuration is
the usual one (RALPH_CONFIG, ...).

Exit codes: 0 done, 1 failure (store unreachable, no such instance), 2 usage
error, 3 timed out (tasks still on the instance, or daemons did not
reconnect), 4 the promote command failed.
USAGE
}

usage_error() { echo "$prog: $*" >&2; echo "Try '$prog --help'." >&2; exit 2; }
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi; }
step() { echo "$prog: $*" >&2; }

instance=
evict=0
promote=0
timeout_s=300
state_dir=
store_url=
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --instance) need_arg "$@"; instance=$2; shift 2 ;;
    --instance=*) instance=${1#*=}; shift ;;
    --evict) evict=1; shift ;;
    --promote) promote=1; shift ;;
    --timeout) need_arg "$@"; timeout_s=$2; shift 2 ;;
    --timeout=*) timeout_s=${1#*=}; shift ;;
    --state-dir) need_arg "$@"; state_dir=$2; shift 2 ;;
    --state-dir=*) state_dir=${1#*=}; shift ;;
    --store-url) need_arg "$@"; store_url=$2; shift 2 ;;
    --store-url=*) store_url=${1#*=}; shift ;;
    *) usage_error "unexpected argument '$1'" ;;
  esac
done
[ -n "$instance" ] || [ "$promote" = 1 ] || usage_error "give --instance ID, --promote, or both"
[ "$evict" = 0 ] || [ -n "$instance" ] || usage_error "--evict needs --instance ID"
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout expects whole seconds >= 1, got '$timeout_s'"
promote_cmd=${RALPH_FAILOVER_PROMOTE_COMMAND:-}
if [ "$promote" = 1 ] && [ -z "$promote_cmd" ]; then
  usage_error "--promote needs a promote command: set failover.promote_command (RALPH_FAILOVER_PROMOTE_COMMAND)"
fi

ralph_bin=${RALPH_BIN:-ralph}
command -v "$ralph_bin" >/dev/null 2>&1 || { echo "$prog: cannot run '$ralph_bin' (set RALPH_BIN)" >&2; exit 1; }
ralph_() {
  local args=()
  [ -n "$state_dir" ] && args+=(--state-dir "$state_dir")
  [ -n "$store_url" ] && args+=(--set "store.url=$store_url")
  "$ralph_bin" "${args[@]}" "$@"
}
now_ms() { date +%s%3N; }
# instances: "id state running slots heartbeat_ms host pid", tab-separated.
instances() { ralph_ instances --tsv; }

# ---- --instance ------------------------------------------------------------

# Prints the number of tasks instance $1 runs, or nothing when it is gone.
running_on() { instances | awk -F'\t' -v id="$1" '$1 == id { print $3 }'; }

move_work_off() {
  local verb=drain full rc=0 deadline left
  [ "$evict" = 1 ] && verb=evict
  step "${verb}ing instance $instance"
  full=$(ralph_ instances "$verb" "$instance") || rc=$?
  case "$rc" in
    0) ;;
    2) usage_error "ralph instances $verb $instance: usage error" ;;
    3) echo "$prog: no instance '$instance' that can be ${verb}ed" >&2; exit 1 ;;
    *) echo "$prog: ralph instances $verb failed (exit $rc)" >&2; exit 1 ;;
  esac
  step "waiting up to ${timeout_s}s until $full runs no task"
  deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    left=$(running_on "$full" 2>/dev/null) || left="?"
    [ "$left" = 0 ] || [ -z "$left" ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$prog: timed out: instance $full still runs $left task(s) after ${timeout_s}s" >&2
      exit 3
    fi
    sleep 0.5
  done
  echo "${verb}ed $full: it runs no task"
}

# ---- --promote -------------------------------------------------------------

# The daemons that must reconnect: alive (active, draining, or expired during
# the switch-over) with a heartbeat in the 120 s before `since`.
fleet_of() { instances | awk -F'\t' -v since="$1" \
  '($2 == "active" || $2 == "draining" || $2 == "expired") && $5 >= since - 120000 { print $1 }'; }
# Those of the fleet of `since` ($1) that have not heartbeated after `done` ($2).
lagging() { instances | awk -F'\t' -v since="$1" -v done_ms="$2" \
  '($2 == "active" || $2 == "draining" || $2 == "expired") && $5 >= since - 120000 && $5 <= done_ms { print $1 }'; }

promote_store() {
  local started finished rc=0 deadline fleet late
  started=$(now_ms)
  step "running the promote command"
  sh -c "$promote_cmd" >&2 || rc=$?
  if [ "$rc" != 0 ]; then
    echo "$prog: the promote command failed (exit $rc)" >&2
    exit 4
  fi
  finished=$(now_ms)
  step "promote command done in $(( (finished - started) / 1000 ))s; waiting up to ${timeout_s}s for the daemons to reconnect"
  deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    if fleet=$(fleet_of "$started" 2>/dev/null) && late=$(lagging "$started" "$finished" 2>/dev/null); then
      [ -z "$late" ] && break
    else
      late="(the store does not answer yet)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$prog: timed out after ${timeout_s}s: not reconnected: $(echo "$late" | tr '\n' ' ')" >&2
      exit 3
    fi
    sleep 0.5
  done
  echo "promoted: $(echo "$fleet" | grep -c . || true) daemon(s) reconnected in $(( ($(now_ms) - finished) / 1000 ))s"
}

[ -n "$instance" ] && move_work_off
[ "$promote" = 1 ] && promote_store
exit 0
