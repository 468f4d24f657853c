#!/usr/bin/env bash
# instance.lost and failover hooks across machines' worth of daemons: two
# ralphd share one PostgreSQL (started by the harness); the one running a
# task is killed with -9, and the survivor, which finds it dead through its
# liveness hold, runs the hooks with the lost instance, itself and the task,
# and records them as `hook` events in the shared store.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" --no-redis -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init hooks_fleet
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql

psql_() { psql "$RALPH_TEST_PG_URL" -tAq -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
A="$T/agents" H="$T/hooks"
mkdir -p "$A" "$H" "$T/w"
echo work > "$T/w/PROMPT.md"
write_agent "$A/hang.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null; echo "hanging"; exec sleep 300
SH
write_agent "$H/record.sh" <<SH
#!/usr/bin/env bash
cat > "$H/\$1.json"
env > "$H/\$1.env"
SH
cat > "$CFG" <<EOF2
[store]
url = "$RALPH_TEST_PG_URL"
[loop]
agent = "hang"
[git]
enabled = false
[daemon]
max_concurrent = 1
poll_interval = "200ms"
[agents.hang]
kind = "command"
command = ["$A/hang.sh"]
[hooks]
instance_lost = ["$H/record.sh lost"]
failover = ["$H/record.sh failover"]
EOF2

for d in a b; do STATE="$T/state-$d" start_daemon "fleet-$d"; done
id=$(ralph submit -q -C "$T/w")
wait_state "$id" running || die "the task does not run"
victim_id=$(psql_ "SELECT lease_owner FROM tasks WHERE id = $id")
victim_pid=$(cut -d: -f2 <<<"$victim_id")
survivor_id=$(psql_ "SELECT id FROM instances WHERE id <> '$victim_id' AND state = 'active'")
[ -n "$victim_pid" ] && [ -n "$survivor_id" ] || die "owner [$victim_id], survivor [$survivor_id]"
killed_at=$(date +%s%N)
kill -9 "$victim_pid"
took=
for _ in $(seq 400); do
  if [ -f "$H/lost.json" ] && [ -f "$H/failover.json" ]; then took=$(( ($(date +%s%N) - killed_at) / 1000000 )); break; fi
  sleep 0.025
done
[ -n "$took" ] && pass "instance.lost and failover hooks ran ${took} ms after kill -9" \
  || fail "instance.lost and failover hooks ran after kill -9"
lost=$(cat "$H/lost.json" 2>/dev/null || echo '{}')
expect_eq "instance.lost: lost, by, tasks" "$(jq_ 'd.get("instance_id"), d.get("by_instance_id"), d.get("tasks")' <<<"$lost")" \
  "('$victim_id', '$survivor_id', [$id])"
env_text=$(cat "$H/lost.env" 2>/dev/null || true)
expect_contains "instance.lost env: RALPH_INSTANCE_ID" "$env_text" "RALPH_INSTANCE_ID=$victim_id"
expect_contains "instance.lost env: RALPH_TASK_IDS" "$env_text" "RALPH_TASK_IDS=$id"
[[ "$env_text" == *"$RALPH_TEST_PG_URL"* ]] && fail "the store URL stays out of the hook's environment" \
  || pass "the store URL stays out of the hook's environment"
expect_eq "failover: tasks, reason" "$(jq_ 'd.get("tasks"), d.get("reason")' <<<"$(cat "$H/failover.json" 2>/dev/null || echo '{}')")" \
  "([$id], 'instance lost')"
for _ in $(seq 100); do
  [ "$(psql_ "SELECT count(*) FROM events WHERE task_id = $id AND type = 'hook'")" -ge 2 ] && break
  sleep 0.05
done
expect_eq "both runs recorded as hook events in the shared store" \
  "$(psql_ "SELECT string_agg(data::json->>'event' || ':' || (data::json->>'ok'), ',' ORDER BY data::json->>'event')
            FROM events WHERE task_id = $id AND type = 'hook'")" "failover:true,instance.lost:true"
ralph cancel "$id" >/dev/null 2>&1 || true
e2e_finish
