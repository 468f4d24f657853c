#!/usr/bin/env bash
# `cmake --install` into a temporary prefix: binaries in bin/ and sbin/, the
# plugins, man pages in man1/5/8, systemd units (naming the configured
# prefix's binaries) and timers, completions where bash, zsh and fish look,
# the operations scripts (executable) and the cron example, each with its
# mode; the installed ralph runs and finds its scripts through
# <bindir>/../share/ralph/scripts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init install
: "${RALPH_BIN:?set by ctest}"
require_tool cmake

# The build directory: the one holding ralph (<build>/cli/ralph).
build=$(cd "$(dirname "$RALPH_BIN")/.." && pwd)
[ -f "$build/CMakeCache.txt" ] || skip "no CMakeCache.txt above $RALPH_BIN (not a CMake build tree)"
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
prefix=$(cache CMAKE_INSTALL_PREFIX)
P="$T/prefix"
out=$(cmake --install "$build" --prefix "$P" 2>&1) || die "cmake --install failed: $(tail -n 20 <<<"$out")"
pass "cmake --install into a temporary prefix"

# expect_mode DESCRIPTION PATH MODE
expect_mode() {
  if [ ! -e "$2" ]; then fail "$1" "missing $2"; return 0; fi
  expect_eq "$1" "$(stat -c %a "$2")" "$3"
}
expect_mode "bin/ralph" "$P/bin/ralph" 755
expect_mode "sbin/ralphd" "$P/sbin/ralphd" 755
for page in man1/ralph.1 man5/config.toml.5 man8/ralphd.8; do
  expect_mode "man page $page" "$P/share/man/$page" 644
done
for unit in ralphd.service ralph-backup.service ralph-backup.timer ralph-maintenance.service ralph-maintenance.timer; do
  expect_mode "systemd unit $unit" "$P/lib/systemd/system/$unit" 644
done
expect_mode "systemd user unit" "$P/lib/systemd/user/ralphd.service" 644
expect_mode "bash completion" "$P/share/bash-completion/completions/ralph" 644
expect_mode "zsh completion" "$P/share/zsh/vendor-completions/_ralph" 644
expect_mode "fish completion" "$P/share/fish/vendor_completions.d/ralph.fish" 644
expect_mode "cron example" "$P/share/ralph/cron/ralph" 644
expect_mode "config.toml.example" "$P/share/doc/ralph/config.toml.example" 644
for script in backup.sh restore.sh maintenance.sh health-check.sh; do
  expect_mode "script $script" "$P/share/ralph/scripts/$script" 755
done
[ -e "$P/share/ralph/scripts/with-test-services.sh" ] && fail "the test harness is not installed" \
  || pass "the test harness is not installed"

# The units name the configured prefix's binaries (a later --prefix or
# DESTDIR only moves the files, as for any package).
sbindir=$(cache CMAKE_INSTALL_SBINDIR); bindir=$(cache CMAKE_INSTALL_BINDIR)
[[ $sbindir == /* ]] || sbindir="$prefix/$sbindir"
[[ $bindir == /* ]] || bindir="$prefix/$bindir"
for unit in system/ralphd.service user/ralphd.service; do
  expect_eq "$unit ExecStart" "$(grep '^ExecStart=' "$P/lib/systemd/$unit")" "ExecStart=$sbindir/ralphd --foreground"
done
expect_contains "ralph-backup.service ExecStart" "$(grep '^ExecStart=' "$P/lib/systemd/system/ralph-backup.service")" \
  "ExecStart=$bindir/ralph backup "
expect_contains "ralph-maintenance.service ExecStart" \
  "$(grep '^ExecStart=' "$P/lib/systemd/system/ralph-maintenance.service")" "ExecStart=$bindir/ralph maintenance "

# The installed binaries run, find their plugins, and ralph finds its scripts.
"$P/bin/ralph" --version >"$T/version" 2>&1 && pass "installed ralph --version" \
  || fail "installed ralph --version" "$(cat "$T/version")"
"$P/sbin/ralphd" --help >/dev/null 2>&1 && pass "installed ralphd --help" || fail "installed ralphd --help"
# ralph health runs share/ralph/scripts/health-check.sh, found next to the
# installed binary (RALPH_SCRIPTS_DIR would override that: unset here).
mkdir -p "$T/state"
out=$(env -u RALPH_SCRIPTS_DIR "$P/bin/ralph" --state-dir "$T/state" health --no-daemon --json 2>&1) || true
expect_contains "installed ralph health runs the installed health-check.sh" "$out" '"check": "disk"'
mv "$P/share/ralph/scripts" "$P/share/ralph/scripts.away"
out=$(env -u RALPH_SCRIPTS_DIR "$P/bin/ralph" --state-dir "$T/state" health --no-daemon --json 2>&1) && rc=0 || rc=$?
mv "$P/share/ralph/scripts.away" "$P/share/ralph/scripts"
expect_contains "without them it says where it looked" "$out" \
  "health-check.sh not found (looked for $P/share/ralph/scripts/health-check.sh)"
[ "$rc" -ne 0 ] && pass "and fails (exit $rc)" || fail "without the scripts, health fails" "exit 0"
e2e_finish
