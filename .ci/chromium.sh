#!/usr/bin/env bash
# Installs Debian's chromium package when /usr/bin/chromium is missing; the HTML report of `rk audit` is tested by
# rendering it in headless Chromium (tests/ReliableKafka.Cli.Tests/Audit/AuditCommandTests.cs). Prints the version.
# Usage: bash .ci/chromium.sh
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium
fi
/usr/bin/chromium --version 2>/dev/null | head -1
