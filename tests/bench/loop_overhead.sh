#!/usr/bin/env bash
# Orchestrator overhead per iteration: a `command` agent that exits at once,
# store on, git off. Prints the median over trials of wall time and of
# ralph's own CPU time per iteration (agents excluded), ralph's peak RSS, and
# the same number of bare agent spawns from bash as the floor to compare with.
# Figures, not pass/fail. Usage: tests/bench/loop_overhead.sh [RALPH_BIN] [ITERATIONS] [TRIALS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/release/cli/ralph}
n=${2:-500}
trials=${3:-5}
[ -x "$bin" ] || { echo "no ralph binary at $bin (cmake --preset release && cmake --build --preset release)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/ralph-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf '#!/bin/sh\ncat >/dev/null\necho "$$"\nprintf %s\\n\n' "'{\"type\":\"usage\",\"input_tokens\":10,\"output_tokens\":1}'" > "$T/agent.sh"
chmod +x "$T/agent.sh"
echo "prompt" > "$T/PROMPT.md"
printf '[agents.noop]\nkind = "command"\ncommand = ["%s/agent.sh"]\nreports_usage = true\n' "$T" > "$T/ralph.toml"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

walls=(); cpus=(); rss=(); spawns=()
for _ in $(seq "$trials"); do
  rm -rf "$T/state"
  start=$(date +%s%N)
  err=$("$bin" -vv --state-dir "$T/state" run -a noop --workdir "$T" --no-git --quiet \
        --max-iterations "$n" --set loop.loop_detect_repeats=0 2>&1 >/dev/null) || true
  end=$(date +%s%N)
  walls+=("$(echo "($end - $start) / 1000000 / $n" | bc -l)")
  user=$(grep -o 'cpu_user_s=[0-9.]*' <<<"$err" | cut -d= -f2)
  sys=$(grep -o 'cpu_sys_s=[0-9.]*' <<<"$err" | cut -d= -f2)
  cpus+=("$(echo "($user + $sys) * 1000 / $n" | bc -l)")
  rss+=("$(grep -o 'max_rss_kb=[0-9]*' <<<"$err" | cut -d= -f2)")
  start=$(date +%s%N)
  for _ in $(seq "$n"); do "$T/agent.sh" < "$T/PROMPT.md" >/dev/null; done
  end=$(date +%s%N)
  spawns+=("$(echo "($end - $start) / 1000000 / $n" | bc -l)")
done

wall=$(printf '%s\n' "${walls[@]}" | median)
cpu=$(printf '%s\n' "${cpus[@]}" | median)
spawn=$(printf '%s\n' "${spawns[@]}" | median)
peak=$(printf '%s\n' "${rss[@]}" | median)
printf 'loop overhead, %d iterations x %d trials (medians)\n' "$n" "$trials"
printf '  wall per iteration:        %.3f ms (target <= 5 ms)\n' "$wall"
printf '  ralph cpu per iteration:   %.3f ms (target <= 2 ms; agents excluded)\n' "$cpu"
printf '  the shell agent alone:     %.3f ms per run (its own floor)\n' "$spawn"
printf '  ratio wall / agent alone: %.2f\n' "$(echo "$wall / $spawn" | bc -l)"
# The same loop with an agent that truly exits at once (/bin/true; the floor
# is then the exec itself), for the wall-time target.
printf '[agents.true]\nkind = "command"\ncommand = ["/bin/true"]\n' >> "$T/ralph.toml"
twalls=()
for _ in $(seq "$trials"); do
  rm -rf "$T/state"
  start=$(date +%s%N)
  "$bin" --state-dir "$T/state" run -a true --workdir "$T" --no-git --quiet --max-iterations "$n" \
    --set loop.loop_detect_repeats=0 >/dev/null 2>&1 || true
  end=$(date +%s%N)
  twalls+=("$(echo "($end - $start) / 1000000 / $n" | bc -l)")
done
printf '  wall per iteration, /bin/true agent: %.3f ms (target <= 5 ms)\n' "$(printf '%s\n' "${twalls[@]}" | median)"
printf '  ralph peak RSS:            %.1f MB (target <= 15 MB)\n' "$(echo "$peak / 1024" | bc -l)"
