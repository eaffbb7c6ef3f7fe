#!/usr/bin/env bash
# Install what the test suite needs from the machine's package manager, when it is missing:
# Debian's Chromium (browser tests drive it through Playwright's executable_path) and, when no
# PostgreSQL answers on 127.0.0.1:5432, the PostgreSQL server binaries for a throwaway cluster;
# and redis-server (the topology test starts one of its own even when a Redis answers on 6379).
# Nothing downloads a browser build of its own.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v pg_isready >/dev/null 2>&1 || need+=(postgresql-client)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "test-prereqs: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
