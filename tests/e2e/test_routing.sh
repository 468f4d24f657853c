#!/usr/bin/env bash
# Capability routing: a task that requires a label or names an agent runs
# only on a daemon that has that label or offers that agent. Until one does,
# it stays queued and `ralph status` says why. A reload (SIGHUP) that adds
# the label lets the daemon take it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init routing
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

A="$T/agents"
mkdir -p "$A"
for a in plain special; do
  write_agent "$A/$a.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo LOOP_COMPLETE
SH
done
write_config() { # LABELS
  {
    printf '[loop]\nagent = "plain"\nmax_iterations = 3\n[git]\nenabled = false\n'
    printf '[daemon]\nmax_concurrent = 2\npoll_interval = "30s"\nagents = ["plain"]\nlabels = [%s]\n' "$1"
    for a in plain special; do printf '[agents.%s]\nkind = "command"\ncommand = ["%s/%s.sh"]\n' "$a" "$A" "$a"; done
  } > "$CFG"
}
new_w() { mkdir -p "$T/w/$1"; echo "Do the work." > "$T/w/$1/PROMPT.md"; echo "$T/w/$1"; }
write_config ""

# No daemon at all: the reason is that.
id=$(ralph submit -q -C "$(new_w early)")
expect_contains "with no daemon, status says none runs" "$(ralph status "$id")" "waiting:   no daemon is running"

start_daemon d
wait_state "$id" completed || fail "a plain task runs on the plain daemon"
pass "a plain task runs on the daemon"
expect_contains "the daemon logs what it offers" "$(cat "$DAEMON_LOG")" "offers agents [plain], labels [], queues [default]"
expect_contains "ralph instances --json lists its agents and labels" "$(ralph instances --json)" '"agents": [
      "plain"
    ],'

gpu=$(ralph submit -q --require gpu=true -C "$(new_w gpu)")
special=$(ralph submit -q --agent special -C "$(new_w special)")
elsewhere=$(ralph submit -q --queue batch -C "$(new_w batch)")
sleep 1.5
expect_eq "a task requiring gpu=true stays queued" "$(ralph status "$gpu" --json | jq_ 'd["state"]')" "queued"
expect_contains "…and status says no daemon has the label" "$(ralph status "$gpu")" \
  "waiting:   no running daemon offering agent 'plain' has the required labels gpu=true"
expect_eq "a task for an agent no daemon offers stays queued" "$(ralph status "$special" --json | jq_ 'd["state"]')" "queued"
expect_eq "…and status --json says why" "$(ralph status "$special" --json | jq_ 'd["waiting"]')" \
  "no running daemon on queue 'default' offers agent 'special' (offered: plain)"
expect_contains "a task on a queue no daemon takes says so" "$(ralph status "$elsewhere")" \
  "waiting:   no running daemon takes queue 'batch'"
expect_eq "a running or finished task has no waiting reason" \
  "$(ralph status "$id" --json | jq_ 'd.get("waiting", "none")')" "none"

write_config '"gpu=true"'
kill -HUP "$DAEMON_PID"
wait_state "$gpu" completed 10 && pass "after a reload with daemon.labels = [\"gpu=true\"] it runs" \
  || fail "the gpu task ran after the reload"
expect_eq "the other two are still queued" \
  "$(ralph status "$special" --json | jq_ 'd["state"]') $(ralph status "$elsewhere" --json | jq_ 'd["state"]')" "queued queued"

out=$(ralph submit -q --require gpu -C "$(new_w bad)" 2>&1) && rc=0 || rc=$?
expect_eq "--require without a value is a usage error" "$rc" "2"
expect_contains "…that says what it expects" "$out" "--require expects key=value, got 'gpu'"

stop_daemon
e2e_finish
