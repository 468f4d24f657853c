#!/usr/bin/env bash
# Installs every Debian package that building and testing ralph need, plus the
# real agent CLIs the end-to-end tests drive. Idempotent; quiet when all is present.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/install-deps.sh [--no-agents] [--help]

Installs the Debian packages ralph needs to build and test (run as root or
with sudo), then the Claude Code CLI from npm for the end-to-end tests.
  --no-agents   skip the npm agent CLIs
Prints nothing when everything is already installed.
USAGE
}

with_agents=1
for arg in "$@"; do
  case "$arg" in
    --no-agents) with_agents=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-deps.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git scdoc
  # libraries
  libcli11-dev libboost-dev libboost-filesystem-dev libcurl4-openssl-dev
  libpqxx-dev libhiredis-dev libspdlog-dev libtomlplusplus-dev catch2
  nlohmann-json3-dev libsqlite3-dev libcpp-httplib-dev libsystemd-dev
  # servers and tools the tests start or drive
  sqlite3 postgresql redis-server shellcheck procps curl python3 bc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node.js may come from Debian (nodejs + npm) or from NodeSource (nodejs alone,
# npm bundled); only ask Debian for it when no npm is on the PATH.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian postgresql package starts a cluster on port 5432; the tests start
# their own private servers, so the packaged one is left as the admin set it.

if [ "$with_agents" -eq 1 ] && ! command -v claude >/dev/null 2>&1; then
  echo "install-deps.sh: installing @anthropic-ai/claude-code from npm" >&2
  "${sudo_cmd[@]}" npm install -g --silent --no-fund --no-audit @anthropic-ai/claude-code >/dev/null
fi
