#!/usr/bin/env bash
# Workspaces across machines. Two ralphd with their own state directories
# (two machines) share one PostgreSQL; a local bare repository is the remote.
# A task submitted with --repo/--branch is cloned by the daemon that claims
# it, which pushes every checkpoint to ralph/<id>. That daemon is killed -9
# after two pushed checkpoints; the survivor takes the task over, clones
# ralph/<id> and finishes it.
#
# The agent appends "line N" to progress.txt, N = the file's line count + 1,
# and completes at 6 lines. Asserted: the final ralph/<id> holds lines 1..6
# exactly once and in order, and every commit on it adds exactly the next
# line. The iteration the killed daemon had in flight (if any) left no commit
# on the remote, so it is redone by the survivor: the store may count one
# iteration more than there are lines, never more than one.
set -euo pipefail
: "${RALPH_SOURCE_DIR:?set by ctest}"
if [ -z "${RALPH_TEST_PG_URL:-}" ]; then
  exec "$RALPH_SOURCE_DIR/scripts/with-test-services.sh" --no-redis -- bash "$0" "$@"
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init workspaces
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_tool psql
require_tool git

psql_() { psql "$RALPH_TEST_PG_URL" -tAq -c "$1"; }
psql_ "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
# Git sees none of the machine's configuration, and has an identity.
printf '[user]\n\tname = E2E\n\temail = e2e@example.org\n[init]\n\tdefaultBranch = main\n' > "$T/gitconfig"
export GIT_CONFIG_GLOBAL="$T/gitconfig" GIT_CONFIG_NOSYSTEM=1

REMOTE="$T/remote.git"
git init -q --bare "$REMOTE"
git clone -q "$REMOTE" "$T/seed" 2>/dev/null
(cd "$T/seed" && echo "append a line" > PROMPT.md && echo "# notes" > README && git add . && git commit -qm base &&
  git push -q origin HEAD:main && git checkout -qb feature && : > progress.txt && git add . &&
  git commit -qm "feature base" && git push -q origin feature)
remote_git() { git --git-dir "$REMOTE" "$@"; }

A="$T/agents"; mkdir -p "$A"
write_agent "$A/appender.sh" <<'SH'
#!/usr/bin/env bash
cat >/dev/null
[ -f PROMPT.md ] || { echo "no PROMPT.md in $PWD" >&2; exit 3; }
n=$(( $(wc -l < progress.txt) + 1 ))
echo "line $n" >> progress.txt
sleep "${APPENDER_SLEEP:-1}"
echo "wrote line $n"
[ "$n" -ge 6 ] && echo LOOP_COMPLETE
exit 0
SH
cat > "$CFG" <<EOF2
[store]
url = "$RALPH_TEST_PG_URL"
[loop]
agent = "appender"
max_iterations = 20
loop_detect_repeats = 0
[git]
checkpoint_interval = 1
[daemon]
max_concurrent = 1
poll_interval = "1s"
[agents.appender]
kind = "command"
command = ["$A/appender.sh"]
EOF2
ralph migrate >/dev/null

# Without a daemon, submit --repo just queues: no workdir, nothing cloned.
cd "$T"
id=$(STATE="$T/state-a" ralph submit -q --repo "file://$REMOTE" --branch feature)
[[ "$id" =~ ^[0-9]+$ ]] || die "submit --repo printed [$id]"
st=$(STATE="$T/state-a" ralph status "$id" --json)
expect_eq "submit --repo without a daemon queues the task" "$(jq_ 'd["state"]' <<<"$st")" "queued"
expect_eq "status --json names the repository" "$(jq_ 'd["repo"]' <<<"$st")" "file://$REMOTE"
expect_eq "…the base branch" "$(jq_ 'd["branch"]' <<<"$st")" "feature"
expect_eq "…and the task branch" "$(jq_ 'd["task_branch"]' <<<"$st")" "ralph/$id"
[ ! -e "$T/state-a/work" ] && pass "nothing is cloned before a daemon claims it" || fail "a work root exists before any daemon ran"
ralph submit -q --repo "file://$REMOTE" -C "$T" >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "--repo with --workdir is a usage error" "$rc" "2"
ralph submit -q --branch feature >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "--branch without --repo is a usage error" "$rc" "2"

STATE="$T/state-a" start_daemon machine-a
pid_a=$DAEMON_PID
wait_state "$id" running 30 || die "machine a did not start the task"
STATE="$T/state-b" start_daemon machine-b
pid_b=$DAEMON_PID
expect_eq "machine a cloned the repository into its private work root" \
  "$(stat -c %a "$T/state-a/work")" "700"

pushed=0
for _ in $(seq 600); do
  pushed=$(remote_git rev-list --count "feature..ralph/$id" 2>/dev/null || echo 0)
  [ "$pushed" -ge 2 ] && break
  sleep 0.05
done
[ "$pushed" -ge 2 ] || die "machine a pushed $pushed checkpoints to ralph/$id in 30 s"
owner=$(psql_ "SELECT lease_owner FROM tasks WHERE id = $id")
[[ "$owner" == *":$pid_a:"* ]] || die "task $id is owned by [$owner], not machine a"
kill -9 "$pid_a"
pass "machine a killed -9 after $pushed pushed checkpoints"

wait_state "$id" completed 90 || die "the survivor did not complete the task"
owner_events=$(psql_ "SELECT data FROM events WHERE task_id = $id AND type = 'workspace' ORDER BY id")
expect_contains "machine a cloned the base branch" "$owner_events" "on a new branch ralph/$id"
expect_contains "machine b resumed from the pushed task branch" "$owner_events" "resumed from ralph/$id of file://$REMOTE"
[ -d "$T/state-b/work/task-$id/.git" ] && pass "machine b worked in its own clone" || fail "machine b has no clone"

want=$(printf 'line %s\n' 1 2 3 4 5 6)
expect_eq "ralph/$id holds every line exactly once, in order" "$(remote_git show "ralph/$id:progress.txt")" "$want"
bad=
n=0
for c in $(remote_git rev-list --reverse "feature..ralph/$id"); do
  n=$((n + 1))
  added=$(remote_git diff "$c^" "$c" -- progress.txt | grep '^+[^+]' || true)
  [ "$added" = "+line $n" ] || bad="$bad commit $n ($c) added [$added];"
done
expect_eq "every commit on ralph/$id adds exactly the next line" "${bad:-none}" "none"
expect_eq "…six commits in all" "$n" "6"
iters=$(psql_ "SELECT last_seq FROM tasks WHERE id = $id")
[ "$iters" -ge 6 ] && [ "$iters" -le 7 ] && pass "the store counts $iters iterations (6 lines, at most one redone)" \
  || fail "the store counts $iters iterations, expected 6 or 7"
expect_eq "the base branch was never written" "$(remote_git rev-list --count feature)" "2"
expect_eq "no side branch was pushed" "$(remote_git for-each-ref --format='%(refname)' refs/heads | sort | tr '\n' ' ')" \
  "refs/heads/feature refs/heads/main refs/heads/ralph/$id "
pushes=$(psql_ "SELECT count(*) FROM events WHERE task_id = $id AND type = 'push'")
# A daemon killed between a push and its event records one fewer.
[ "$pushes" -ge 5 ] && [ "$pushes" -le 6 ] && pass "each of the 6 commits was pushed once ($pushes push events)" \
  || fail "$pushes push events for 6 commits"

# A bad URL fails the task with a clear error that shows no credentials.
DAEMON_PID=$pid_b
bad_url="http://ralph:s3cret-pass-word@127.0.0.1:1/nope.git"
bid=$(STATE="$T/state-b" ralph submit -q --repo "$bad_url")
wait_state "$bid" failed 60 || die "a task with an unreachable repository did not fail"
st=$(STATE="$T/state-b" ralph status "$bid")
expect_contains "it fails with a clear error" "$st" "cannot reach repository http://[REDACTED]@127.0.0.1:1/nope.git"
expect_contains "status shows the repository without credentials" "$st" "repo:       http://[REDACTED]@127.0.0.1:1/nope.git"
leaks=$(grep -l "s3cret-pass-word" "$T"/machine-*.log || true)
leaks+=$(psql_ "SELECT count(*) FROM events WHERE data LIKE '%s3cret-pass-word%'" | grep -v '^0$' || true)
leaks+=$(STATE="$T/state-b" ralph status "$bid" --json | grep -c "s3cret-pass-word" | grep -v '^0$' || true)
expect_eq "the password is in no log, event or status" "${leaks:-none}" "none"
stop_daemon TERM 30
e2e_finish
