#!/usr/bin/env bash
# Fleet budgets ([budgets.<name>]): a daily cost cap shared by every task it
# covers, across daemons. Two ralphd on one PostgreSQL run 6 tasks of an agent
# that costs $0.10 an iteration and never completes, under a $1.00 budget:
# every task stops with reason fleet_budget, the store's spend for the day is
# at least the cap and at most the cap plus one iteration per slot (the
# iterations in flight), and the overrun is reported. Then `ralph resume`
# stops again at once, and `ralph run` on SQLite obeys a budget alone.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" --no-redis -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init fleet_budget
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql

psql_() { psql "$RALPH_TEST_PG_URL" -tAq -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
A="$T/agents"; mkdir -p "$A"
# $0.10 an iteration, never done.
write_agent "$A/costly.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
sleep 0.$(( RANDOM % 3 + 2 ))
echo '{"type":"usage","input_tokens":1000,"output_tokens":100,"cost_usd":0.10,"model":"claude-sonnet-4-5"}'
echo "still working on it"
exit 0
SH
SLOTS_PER_DAEMON=2
DAEMONS=2
cat > "$CFG" <<EOF2
[store]
url = "$RALPH_TEST_PG_URL"
[loop]
agent = "costly"
max_iterations = 1000
loop_detect_repeats = 0
[git]
enabled = false
[daemon]
max_concurrent = $SLOTS_PER_DAEMON
poll_interval = "1s"
[agents.costly]
kind = "command"
command = ["$A/costly.sh"]
reports_usage = true
[budgets.fleet]
daily_cost_usd = 1.00
[budgets.web]
daily_cost_usd = 500
project = "web"
[budgets.other]
daily_cost_usd = 0.01
queue = "other"
EOF2

# A bad budget is a configuration error, before anything runs.
out=$("$RALPH_BIN" --state-dir "$STATE" -c "$CFG" --set budgets.fleet.daily_cost_usd=0 budgets 2>&1) && rc=0 || rc=$?
expect_eq "a zero cap is a configuration error (exit 2)" "$rc" "2"
expect_contains "that names the key" "$out" "budgets.fleet.daily_cost_usd: expected a positive number"

ralph migrate >/dev/null
# Both daemons are up before the tasks arrive, so each claims its share.
for d in a b; do STATE="$T/state-$d" start_daemon "budget-$d"; done
TASKS=6
ids=()
for i in $(seq "$TASKS"); do
  mkdir -p "$T/w/$i"; echo work > "$T/w/$i/PROMPT.md"
  label=(); [ "$i" = 1 ] && label=(--label project=web)
  ids+=("$(ralph submit -q -C "$T/w/$i" "${label[@]}")")
done

deadline=$((SECONDS + 120))
while :; do
  left=$(psql_ "SELECT count(*) FROM tasks WHERE state IN ('queued','running')")
  [ "$left" = 0 ] && break
  [ $SECONDS -ge $deadline ] && die "$left task(s) still queued or running after 120 s"
  sleep 0.2
done
expect_eq "every task stopped with reason fleet_budget" \
  "$(psql_ "SELECT count(*) FROM tasks WHERE state = 'stopped' AND reason = 'fleet_budget'")" "$TASKS"
expect_eq "both daemons ran tasks" "$(psql_ "SELECT count(DISTINCT data::json->>'owner') FROM events WHERE type = 'claimed'")" "$DAEMONS"

spent=$(psql_ "SELECT spent_micros FROM budget_spend WHERE scope = 'fleet' AND day = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
cap=1000000
bound=$((cap + SLOTS_PER_DAEMON * DAEMONS * 100000))
echo "# fleet spend: $spent micro-USD; cap $cap; in-flight bound $bound"
[ "$spent" -ge "$cap" ] && pass "the spend reached the cap ($spent >= $cap)" || fail "the spend reached the cap" "$spent < $cap"
[ "$spent" -le "$bound" ] && pass "the overrun is bounded by the iterations in flight ($spent <= $bound)" \
  || fail "the overrun is bounded by the iterations in flight" "$spent > $bound"
expect_eq "the spend is exactly the iterations recorded (charged once each)" \
  "$(psql_ "SELECT count(*) * 100000 FROM iterations")" "$spent"
expect_eq "one ledger row per iteration and covering budget" \
  "$(psql_ "SELECT count(*) FROM budget_ledger")" "$(psql_ "SELECT count(*) + (SELECT count(*) FROM iterations WHERE task_id = ${ids[0]}) FROM iterations")"
expect_eq "the project budget holds its one task's spend" \
  "$(psql_ "SELECT spent_micros FROM budget_spend WHERE scope = 'web'")" \
  "$(psql_ "SELECT count(*) * 100000 FROM iterations WHERE task_id = ${ids[0]}")"
expect_eq "the queue budget of another queue is charged nothing" "$(psql_ "SELECT count(*) FROM budget_spend WHERE scope = 'other'")" "0"

expect_eq "each task has a fleet_budget event" \
  "$(psql_ "SELECT count(DISTINCT task_id) FROM events WHERE type = 'fleet_budget' AND data::json->>'budget' = 'fleet'")" "$TASKS"
overrun=$(psql_ "SELECT max((data::json->>'overrun_usd')::numeric) FROM events WHERE type = 'fleet_budget'")
echo "# largest overrun reported: \$$overrun"
expect_eq "the reported overrun is the spend past the cap" \
  "$(psql_ "SELECT max((data::json->>'spent_usd')::numeric) - 1 = $overrun FROM events WHERE type = 'fleet_budget'")" "t"
# Every iteration in flight at the cap is followed by its task's check, so
# the last task to stop saw the final spend: the report is the whole overrun.
expect_eq "the last report is the final spend" \
  "$(psql_ "SELECT (max((data::json->>'spent_usd')::numeric) * 1000000)::bigint FROM events WHERE type = 'fleet_budget'")" "$spent"
status=$(ralph status "${ids[1]}")
expect_contains "ralph status shows why" "$status" "fleet budget 'fleet' is spent for"
expect_contains "with the cap" "$status" 'of $1.00 a day'

json=$(ralph budgets --json)
expect_eq "ralph budgets --json: the fleet budget is exhausted" "$(jq_ '[b["exhausted"] for b in d if b["name"] == "fleet"][0]' <<<"$json")" "True"
expect_eq "with the store's spend" "$(jq_ '[b["spent_micros"] for b in d if b["name"] == "fleet"][0]' <<<"$json")" "$spent"
expect_eq "and its percent" "$(jq_ '[round(b["percent"]) for b in d if b["name"] == "fleet"][0]' <<<"$json")" "$((spent / 10000))"
table=$(ralph budgets)
expect_contains "ralph budgets lists the budgets" "$table" "project=web"
expect_contains "with what each covers" "$table" "every task"

# resume: queued again, and stopped again before any iteration.
before=$(psql_ "SELECT last_seq FROM tasks WHERE id = ${ids[2]}")
ralph resume "${ids[2]}" >/dev/null 2>&1
deadline=$((SECONDS + 30))
until [ "$(psql_ "SELECT count(*) FROM events WHERE task_id = ${ids[2]} AND type = 'finished'")" = 2 ]; do
  [ $SECONDS -ge $deadline ] && die "the resumed task did not stop again within 30 s"
  sleep 0.1
done
expect_eq "a resumed task stops again on the spent budget" "$(psql_ "SELECT reason FROM tasks WHERE id = ${ids[2]}")" "fleet_budget"
expect_eq "without running an iteration" "$(psql_ "SELECT last_seq FROM tasks WHERE id = ${ids[2]}")" "$before"

# --- ralph run on SQLite, no daemon ----------------------------------------
SQ="$T/sqlite"; mkdir -p "$SQ/w"; echo work > "$SQ/w/PROMPT.md"
cat > "$SQ/ralph.toml" <<EOF2
[loop]
agent = "costly"
max_iterations = 50
loop_detect_repeats = 0
[git]
enabled = false
[agents.costly]
kind = "command"
command = ["$A/costly.sh"]
reports_usage = true
[budgets.mine]
daily_cost_usd = 0.25
EOF2
sq() { "$RALPH_BIN" --state-dir "$SQ/state" -c "$SQ/ralph.toml" "$@"; }
out=$(sq run -q -C "$SQ/w" --json 2>"$SQ/err") && rc=0 || rc=$?
expect_eq "ralph run stops on the fleet budget with exit code 3" "$rc" "3"
expect_eq "after 3 iterations of \$0.10 (the spend reached \$0.25 with the third)" "$(jq_ 'd["iterations"]' <<<"$out")" "3"
expect_eq "reason fleet_budget" "$(jq_ 'd["reason"]' <<<"$out")" "fleet_budget"
out=$(sq run -q -C "$SQ/w" 2>&1) && rc=0 || rc=$?
expect_eq "a second ralph run the same day stops at once" "$rc" "3"
expect_contains "saying which budget and how much" "$out" "fleet budget 'mine' is spent for"
expect_contains "with the overrun" "$out" 'overrun $0.05'
expect_eq "ralph budgets on SQLite shows the spend" "$(sq budgets --json | jq_ 'd[0]["spent_micros"]')" "300000"
e2e_finish
