#!/usr/bin/env bash
# shellcheck disable=SC2016  # the single-quoted snippets are code written into fizzbuzz.sh
# A tiny deterministic "coding agent" for the quick start: it reads the prompt
# on stdin, makes one improvement to fizzbuzz.sh per iteration (steered by the
# gate output that ralph appends to the prompt), claims completion, and
# reports its usage as a JSON line, the way any wrapped command can.
set -euo pipefail
prompt=$(cat)

write() { printf '%s\n' "#!/usr/bin/env bash" "for i in \$(seq 1 15); do" "$1" "done" > fizzbuzz.sh; chmod +x fizzbuzz.sh; }

if [ ! -f fizzbuzz.sh ]; then
  write '  echo "$i"'
  say="Wrote a first fizzbuzz.sh that prints the numbers."
elif ! grep -q Fizz fizzbuzz.sh; then
  write '  if (( i % 3 == 0 )); then echo Fizz; else echo "$i"; fi'
  say="The gate wants Fizz for multiples of 3; added that."
elif ! grep -q Buzz fizzbuzz.sh; then
  write '  if (( i % 3 == 0 )); then echo Fizz; elif (( i % 5 == 0 )); then echo Buzz; else echo "$i"; fi'
  say="The gate wants Buzz for multiples of 5; added that."
else
  write '  if (( i % 15 == 0 )); then echo FizzBuzz; elif (( i % 3 == 0 )); then echo Fizz; elif (( i % 5 == 0 )); then echo Buzz; else echo "$i"; fi'
  say="Multiples of 15 need FizzBuzz; checked that case first."
fi

case "$prompt" in *"gate failed"*) say="$say (after reading the failing gate's output)";; esac
echo "$say"
echo "LOOP_COMPLETE"
# Usage in ralph's command-agent format: about 4 bytes per token.
printf '{"type":"usage","input_tokens":%d,"output_tokens":%d}\n' $(( ${#prompt} / 4 )) $(( ${#say} / 4 + 3 ))
