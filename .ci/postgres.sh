#!/usr/bin/env bash
# Starts a private PostgreSQL server for the tests on 127.0.0.1:${RK_PG_PORT:-55432} (trust authentication, loopback
# only, data in /tmp), installing Debian's postgresql package when it is missing. Prints the connection string.
# Usage: eval "$(bash .ci/postgres.sh)"   # exports RK_TEST_POSTGRES
set -euo pipefail
port="${RK_PG_PORT:-55432}"
data="/tmp/rk-postgres-$port"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# PostgreSQL refuses to run as root: run it as the postgres user then.
run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
    run "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >&2
  fi
  run "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
fi
echo "export RK_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
