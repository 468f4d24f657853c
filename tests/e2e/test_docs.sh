#!/usr/bin/env bash
# The man pages follow the code: every ralph subcommand and each of its
# long options is in ralph(1), and every ralphd option is in ralphd(8).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init docs
: "${RALPHD_BIN:?set by ctest}"
man1="$RALPH_SOURCE_DIR/man/ralph.1.scd"
man8="$RALPH_SOURCE_DIR/man/ralphd.8.scd"

commands=$("$RALPH_BIN" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF {print $1}' | tr -d ,)
[ -n "$commands" ] || die "no subcommands in ralph --help"
for cmd in $commands; do
  grep -q "^## $cmd" "$man1" && pass "ralph(1) documents '$cmd'" || fail "ralph(1) documents '$cmd'"
  [ "$cmd" = config ] && continue
  for opt in $("$RALPH_BIN" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    case "$opt" in --help|--config|--state-dir|--set|--verbose|--version) continue ;; esac
    grep -qE -- "(\*|, )$opt(\*| |,|=|$)" "$man1" || fail "ralph(1) documents $cmd $opt"
  done
done
for opt in $("$RALPHD_BIN" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  [ "$opt" = --help ] && continue
  grep -q -- "$opt" "$man8" && pass "ralphd(8) documents $opt" || fail "ralphd(8) documents $opt"
done
e2e_finish
