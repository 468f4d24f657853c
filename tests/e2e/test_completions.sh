#!/usr/bin/env bash
# Shell completions (scripts/completions): every command and sub-command
# that `ralph --help` lists appears in the bash, zsh and fish files, so they
# cannot drift; the bash file loads (`complete -p ralph`) and completes
# commands, options and task ids from a real store; zsh and fish files pass
# their shells' syntax check, and fish completes commands and task ids too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init completions
: "${RALPH_BIN:?set by ctest}"
src=${RALPH_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
C="$src/scripts/completions"
files=("$C/ralph.bash" "$C/_ralph" "$C/ralph.fish")
for f in "${files[@]}"; do [ -f "$f" ] || die "missing $f"; done

# The sub-commands a --help lists, aliases included ("list, ps"): CLI11
# prints them under "Subcommands:", one per line, before the description.
subcommands() {
  "$RALPH_BIN" "$@" --help | awk '/^Subcommands:/ {on = 1; next} on && /^[^ ]/ {on = 0}
    on && NF { sub(/^ +/, ""); split($0, cols, /  +/); n = split(cols[1], names, /, */); for (i = 1; i <= n; i++) print names[i] }'
}
mapfile -t commands < <(subcommands)
[ "${#commands[@]}" -ge 15 ] || die "ralph --help lists only ${#commands[@]} commands: ${commands[*]}"
for f in "${files[@]}"; do
  missing=()
  for c in "${commands[@]}"; do grep -qw -- "$c" "$f" || missing+=("$c"); done
  for parent in "${commands[@]}"; do
    while read -r sub; do
      [ -n "$sub" ] && ! grep -qw -- "$sub" "$f" && missing+=("$parent $sub")
    done < <(subcommands "$parent")
  done
  expect_eq "$(basename "$f") names every command of ralph --help" "${missing[*]}" ""
done

# --- bash: loads, and completes from a real store ---------------------------
mkdir -p "$T/bin" "$T/w"
ln -s "$RALPH_BIN" "$T/bin/ralph"
printf 'x\n' > "$T/w/PROMPT.md"
"$RALPH_BIN" --state-dir "$T/state" submit -C "$T/w" -p hi --json >/dev/null
shellcheck_note=""
if command -v shellcheck >/dev/null 2>&1; then
  out=$(shellcheck -S warning -s bash "$C/ralph.bash" 2>&1) && pass "ralph.bash passes shellcheck" \
    || fail "ralph.bash passes shellcheck" "$out"
else
  shellcheck_note="(shellcheck not installed)"
fi
# complete_bash WORDS…: what _ralph offers for the last word.
complete_bash() {
  PATH="$T/bin:$PATH" bash -c 'source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ralph; printf "%s\n" "${COMPREPLY[@]}"' _ "$C/ralph.bash" "$@"
}
expect_eq "bash: complete -p ralph" "$(bash -c 'source "$1"; complete -p ralph' _ "$C/ralph.bash")" "complete -F _ralph ralph"
expect_eq "bash: every command at the first word" "$(complete_bash ralph '' | sort | tr '\n' ' ')" \
  "$(printf '%s\n' "${commands[@]}" | sort | tr '\n' ' ')"
expect_eq "bash: a prefix" "$(complete_bash ralph sta)" "status"
expect_contains "bash: run's budget options" "$(complete_bash ralph run --max- | tr '\n' ' ')" "--max-iterations"
expect_eq "bash: config actions" "$(complete_bash ralph config '' | tr '\n' ' ')" "show check "
expect_eq "bash: task ids from the store named on the line" \
  "$(complete_bash ralph --state-dir "$T/state" status '')" "1"
expect_contains "bash: --set offers config keys" "$(complete_bash ralph --state-dir "$T/state" --set loop.max_it)" \
  "loop.max_iterations="
if [ -n "$shellcheck_note" ]; then echo "note - ralph.bash not shellchecked $shellcheck_note"; fi

# --- zsh and fish -------------------------------------------------------------
if command -v zsh >/dev/null 2>&1; then
  out=$(zsh -n "$C/_ralph" 2>&1) && pass "zsh -n _ralph" || fail "zsh -n _ralph" "$out"
  head -n 1 "$C/_ralph" | grep -qx '#compdef ralph' && pass "_ralph starts with #compdef ralph" \
    || fail "_ralph starts with #compdef ralph"
else
  echo "note - zsh not installed: _ralph syntax not checked (apt-get install zsh)"
fi
if command -v fish >/dev/null 2>&1; then
  out=$(fish -n "$C/ralph.fish" 2>&1) && pass "fish -n ralph.fish" || fail "fish -n ralph.fish" "$out"
  # `complete -C` asks fish what it would offer; ralph is found on PATH.
  fish_complete() { PATH="$T/bin:$PATH" fish -c "source $C/ralph.fish; complete -C '$1'" | cut -f1; }
  expect_eq "fish: a prefix" "$(fish_complete 'ralph sta')" "status"
  expect_contains "fish: run's options" "$(fish_complete 'ralph run --max-' | tr '\n' ' ')" "--max-iterations"
  expect_contains "fish: task ids" "$(cd "$T" && XDG_STATE_HOME="$T/xdg" RALPH_PATHS_STATE_DIR="$T/state" \
    fish_complete 'ralph status ' | tr '\n' ' ')" "1 "
else
  echo "note - fish not installed: ralph.fish not checked (apt-get install fish)"
fi
e2e_finish
