# fish completion for ralph(1). Installed as
# <prefix>/share/fish/vendor_completions.d/ralph.fish; to try it from the
# source tree: `source scripts/completions/ralph.fish`.
# Task and instance ids come from `ralph list --json` and `ralph instances --json`.

set -l commands run submit status list ps logs cancel resume retry init config instances migrate agents backup restore maintenance health failover audit doctor budgets

function __ralph_task_ids
    ralph list --json 2>/dev/null | string replace -rf '^    "id": (\d+),?$' '$1'
end

function __ralph_instance_ids
    ralph instances --json 2>/dev/null | string replace -rf '^ *"id": "([^"]*)",?$' '$1'
end

complete -c ralph -f
# Global options.
complete -c ralph -s c -l config -r -F -d 'configuration file'
complete -c ralph -l state-dir -r -a '(__fish_complete_directories)' -d 'state directory'
complete -c ralph -l set -x -d 'override a config key: key=value'
complete -c ralph -s v -l verbose -d 'more output'
complete -c ralph -s h -l help -d 'show help'
complete -c ralph -s V -l version -d 'show the version'

# Commands.
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a run -d 'run a loop in the foreground'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a submit -d 'queue a task for ralphd'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a status -d 'show a task, or a summary'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a list -d 'list tasks'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a ps -d 'list tasks'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a logs -d "show the agents' output of a task"
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a cancel -d 'cancel a task'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a resume -d 're-queue a stopped task'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a retry -d 'run a failed task again'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a init -d 'create ralph.toml and PROMPT.md'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a config -d 'show or check the configuration'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a instances -d 'list, drain, activate, evict daemons'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a migrate -d 'bring the store schema up to date'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a agents -d 'list the agents'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a backup -d 'back up the store and logs'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a restore -d 'restore a backup'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a maintenance -d 'retention, vacuum, log rotation'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a health -d 'check the store, daemons and disk'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a failover -d 'move tasks off an instance'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a audit -d 'show the audit log'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a doctor -d 'check the installation'
complete -c ralph -n "not __fish_seen_subcommand_from $commands" -a budgets -d 'show the fleet budgets and their spend today'

# The task options of run and submit.
set -l task_cmds run submit
complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -s P -l prompt-file -r -F -d 'prompt file'
complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -s p -l prompt -x -d 'prompt text'
complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -s a -l agent -x -a 'claude codex gemini command anthropic openai' -d agent
complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -s m -l model -x -d 'model id'
for opt in max-iterations max-runtime max-tokens max-cost iteration-timeout inactivity-timeout completion-promise cooldown max-consecutive-failures checkpoint-interval gate
    complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -l $opt -x
end
complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -l no-git -d 'no git checkpoints'
complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -l allow-unmetered -d 'run token/cost budgets unenforced'
complete -c ralph -n "__fish_seen_subcommand_from $task_cmds" -s C -l workdir -r -a '(__fish_complete_directories)' -d 'workdir'
complete -c ralph -n "__fish_seen_subcommand_from run submit" -s q -l quiet -d 'print only errors'
complete -c ralph -n "__fish_seen_subcommand_from submit" -l repo -x -d 'git URL to clone and push to'
complete -c ralph -n "__fish_seen_subcommand_from submit" -l branch -x -d 'branch to start from'
complete -c ralph -n "__fish_seen_subcommand_from submit" -l queue -x -d queue
complete -c ralph -n "__fish_seen_subcommand_from submit" -l priority -x -d priority
complete -c ralph -n "__fish_seen_subcommand_from submit" -l label -x -d 'label k=v'
complete -c ralph -n "__fish_seen_subcommand_from submit" -l require -x -d 'required label k=v'

# --json and --wait where they exist.
complete -c ralph -n "__fish_seen_subcommand_from run submit status list ps resume retry instances migrate agents health audit doctor budgets" -l json -d 'print JSON'
complete -c ralph -n "__fish_seen_subcommand_from submit resume retry maintenance" -l wait -d wait

# Commands that take a task id.
complete -c ralph -n "__fish_seen_subcommand_from status logs cancel resume retry" -a '(__ralph_task_ids)' -d task
complete -c ralph -n "__fish_seen_subcommand_from status" -l iterations -d 'per-iteration detail'
complete -c ralph -n "__fish_seen_subcommand_from status" -s w -l watch -d 'redraw every second'
complete -c ralph -n "__fish_seen_subcommand_from list ps" -l state -x -a 'queued running completed stopped failed cancelled'
complete -c ralph -n "__fish_seen_subcommand_from list ps" -l queue -x
complete -c ralph -n "__fish_seen_subcommand_from list ps" -s n -l limit -x
complete -c ralph -n "__fish_seen_subcommand_from audit" -l limit -x
complete -c ralph -n "__fish_seen_subcommand_from logs" -s f -l follow -d follow
complete -c ralph -n "__fish_seen_subcommand_from logs" -l iteration -x
complete -c ralph -n "__fish_seen_subcommand_from cancel" -l no-wait
complete -c ralph -n "__fish_seen_subcommand_from cancel failover" -l timeout -x
for opt in add-iterations add-cost add-runtime add-tokens
    complete -c ralph -n "__fish_seen_subcommand_from resume" -l $opt -x
end
complete -c ralph -n "__fish_seen_subcommand_from init" -s f -l force -d overwrite
complete -c ralph -n "__fish_seen_subcommand_from init restore" -a '(__fish_complete_directories)'
complete -c ralph -n "__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from show check" -a 'show check'
complete -c ralph -n "__fish_seen_subcommand_from show" -l origin -d 'where each value comes from'
complete -c ralph -n "__fish_seen_subcommand_from instances; and not __fish_seen_subcommand_from drain activate evict" -a 'drain activate evict'
complete -c ralph -n "__fish_seen_subcommand_from drain activate evict" -a '(__ralph_instance_ids)' -d instance
complete -c ralph -n "__fish_seen_subcommand_from migrate" -l check -d 'only check'
complete -c ralph -n "__fish_seen_subcommand_from backup" -l to -r -a '(__fish_complete_directories)' -d 'backup directory'
complete -c ralph -n "__fish_seen_subcommand_from backup" -l logs -d 'include task logs'
complete -c ralph -n "__fish_seen_subcommand_from backup" -l keep-days -x
complete -c ralph -n "__fish_seen_subcommand_from backup" -l keep -x
complete -c ralph -n "__fish_seen_subcommand_from restore" -l force -d 'replace the store'
complete -c ralph -n "__fish_seen_subcommand_from restore" -l no-logs -d 'skip logs'
complete -c ralph -n "__fish_seen_subcommand_from maintenance" -l retention -x
complete -c ralph -n "__fish_seen_subcommand_from maintenance" -l audit-retention -x
complete -c ralph -n "__fish_seen_subcommand_from maintenance" -l dry-run
complete -c ralph -n "__fish_seen_subcommand_from health" -s q -l quiet -d 'only failures'
complete -c ralph -n "__fish_seen_subcommand_from health" -l no-daemon
complete -c ralph -n "__fish_seen_subcommand_from failover" -l instance -x -a '(__ralph_instance_ids)'
complete -c ralph -n "__fish_seen_subcommand_from failover" -l evict
complete -c ralph -n "__fish_seen_subcommand_from failover" -l promote
complete -c ralph -n "__fish_seen_subcommand_from audit" -l what -x
