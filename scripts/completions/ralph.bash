# bash completion for ralph(1). Installed as
# <prefix>/share/bash-completion/completions/ralph; to try it from the source
# tree: `source scripts/completions/ralph.bash`.
# Task ids come from `ralph list --json`, instance ids from `ralph instances
# --json`, config keys from `ralph config show`, with the global options
# already on the command line (--state-dir, -c) so they name the same store.

_ralph_global_opts="-c --config --state-dir --set -v --verbose -h --help -V --version"
_ralph_task_opts="-P --prompt-file -p --prompt -a --agent -m --model --max-iterations --max-runtime --max-tokens
  --max-cost --iteration-timeout --inactivity-timeout --completion-promise --cooldown --max-consecutive-failures
  --checkpoint-interval --gate --no-git --allow-unmetered -C --workdir"

# The options of each command (besides the global ones).
_ralph_command_opts() {
  case $1 in
  run) echo "$_ralph_task_opts --json -q --quiet" ;;
  submit) echo "$_ralph_task_opts --repo --branch --queue --priority --label --require --wait --json -q --quiet" ;;
  status) echo "--json --iterations -w --watch" ;;
  list | ps) echo "--state --queue -n --limit --json" ;;
  logs) echo "-f --follow --iteration" ;;
  cancel) echo "--no-wait --timeout" ;;
  resume) echo "--add-iterations --add-cost --add-runtime --add-tokens --wait --json" ;;
  retry) echo "--wait --json" ;;
  init) echo "-f --force" ;;
  config) echo "show check" ;;
  instances) echo "--json drain activate evict" ;;
  migrate) echo "--check --json" ;;
  agents) echo "--json" ;;
  backup) echo "--to --logs --keep-days --keep" ;;
  restore) echo "--force --no-logs" ;;
  maintenance) echo "--retention --audit-retention --dry-run --wait" ;;
  health) echo "--json -q --quiet --no-daemon" ;;
  failover) echo "--instance --evict --promote --timeout" ;;
  audit) echo "--json --limit --what" ;;
  doctor) echo "--json" ;;
  budgets) echo "--json" ;;
  esac
}

_ralph_commands="run submit status list ps logs cancel resume retry init config instances migrate agents
  backup restore maintenance health failover audit doctor budgets"

# The global options typed so far, so lookups read the same store.
_ralph_store_args() {
  local i
  _ralph_store=()
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    case ${COMP_WORDS[i]} in
    -c | --config | --state-dir) _ralph_store+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
    esac
  done
}

_ralph_ids() { # list|instances
  _ralph_store_args
  if [ "$1" = list ]; then
    ralph "${_ralph_store[@]}" list --json 2>/dev/null | sed -n 's/^    "id": \([0-9]*\),*$/\1/p'
  else
    ralph "${_ralph_store[@]}" instances --json 2>/dev/null | sed -n 's/^ *"id": "\([^"]*\)",*$/\1/p'
  fi
}

# Sets COMPREPLY to compgen's words, one per line (names may hold spaces).
_ralph_reply() { mapfile -t COMPREPLY < <(compgen "$@"); }

_ralph() {
  local cur prev cmd sub i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  # The command: the first word that is not an option or an option's value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
    -c | --config | --state-dir | --set) ((i++)) ;;
    -*) ;;
    *) if [ -z "${cmd:-}" ]; then cmd=${COMP_WORDS[i]}; elif [ -z "${sub:-}" ]; then sub=${COMP_WORDS[i]}; fi ;;
    esac
  done

  case $prev in
  -c | --config) _ralph_reply -f -- "$cur"; return ;;
  --state-dir | -C | --workdir | --to) _ralph_reply -d -- "$cur"; return ;;
  -P | --prompt-file) _ralph_reply -f -- "$cur"; return ;;
  --set)
    _ralph_store_args
    _ralph_reply -S = -W "$(ralph "${_ralph_store[@]}" config show 2>/dev/null | sed -n 's/^\([a-z_.]*\) = .*/\1/p')" -- "$cur"
    compopt -o nospace 2>/dev/null
    return ;;
  -a | --agent) _ralph_reply -W "claude codex gemini command anthropic openai" -- "$cur"; return ;;
  --state) _ralph_reply -W "queued running completed stopped failed cancelled" -- "$cur"; return ;;
  --instance) _ralph_reply -W "$(_ralph_ids instances)" -- "$cur"; return ;;
  -p | --prompt | -m | --model | --max-* | --iteration-timeout | --inactivity-timeout | --completion-promise | \
    --cooldown | --checkpoint-interval | --gate | --queue | --priority | --label | --require | --repo | --branch | -n | --limit | \
    --iteration | --timeout | --add-* | --keep-days | --keep | --retention | --audit-retention | --what)
    return ;;
  esac

  if [ -z "${cmd:-}" ]; then
    if [[ $cur == -* ]]; then
      _ralph_reply -W "$_ralph_global_opts" -- "$cur"
    else
      _ralph_reply -W "$_ralph_commands" -- "$cur"
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    _ralph_reply -W "$(_ralph_command_opts "$cmd" | tr ' ' '\n' | grep -- '^-') $_ralph_global_opts" -- "$cur"
    return
  fi
  case $cmd in
  status | logs | cancel | resume | retry) [ -z "${sub:-}" ] && _ralph_reply -W "$(_ralph_ids list)" -- "$cur" ;;
  config) [ -z "${sub:-}" ] && _ralph_reply -W "show check" -- "$cur" ;;
  instances)
    if [ -z "${sub:-}" ]; then
      _ralph_reply -W "drain activate evict" -- "$cur"
    else
      _ralph_reply -W "$(_ralph_ids instances)" -- "$cur"
    fi ;;
  init | restore) _ralph_reply -d -- "$cur" ;;
  esac
}

complete -F _ralph ralph
