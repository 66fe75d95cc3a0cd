#!/usr/bin/env bash
# POST /tasks throughput and latency with wrk against the embedded defaults (SQLite, in-process simulated cluster),
# or against PostgreSQL with --postgres. Installs wrk from Debian when missing. Prints wrk's report.
# Usage: bash bench/taskapi.sh [--duration 20s] [--connections 32] [--threads 1] [--postgres] [--no-notifications] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=20s; connections=32; threads=1; postgres=0; notifications=true; warmup=5s
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --postgres) postgres=1; shift ;;
    --no-notifications) notifications=false; shift ;;
    --quick) duration=3s; warmup=1s; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk
fi
dotnet build src/TaskApi -c Release -v q -nologo >/dev/null
data=$(mktemp -d /tmp/taskapi-bench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env_args=(TaskApi__DataDirectory="$data" TaskApi__Notifications__Enabled="$notifications" Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.Hosting.Lifetime=Information)
# BENCH_ENV="Name=value ..." adds settings, for example BENCH_ENV="Outbox__BatchSize=100".
# shellcheck disable=SC2206
[ -n "${BENCH_ENV:-}" ] && env_args+=($BENCH_ENV)
db="sqlite (embedded default, synchronous=FULL)"
if [ "$postgres" -eq 1 ]; then
  eval "$(bash .ci/postgres.sh)"
  name="taskapi_bench_$$"
  psql "host=127.0.0.1 port=55432 user=postgres dbname=postgres" -qc "CREATE DATABASE $name" >/dev/null
  env_args+=(ConnectionStrings__Tasks="Host=127.0.0.1;Port=55432;Username=postgres;Database=$name;Maximum Pool Size=50")
  db="postgresql (127.0.0.1:55432, fsync=off as started by .ci/postgres.sh)"
fi
env "${env_args[@]}" dotnet src/TaskApi/bin/Release/net10.0/TaskApi.dll --urls "http://127.0.0.1:$port" >"$data/api.log" 2>&1 &
api=$!
cleanup() {
  kill "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true
  if [ "$postgres" -eq 1 ]; then psql "host=127.0.0.1 port=55432 user=postgres dbname=postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 100); do grep -q "Now listening" "$data/api.log" && break; sleep 0.2; done
grep -q "Now listening" "$data/api.log" || { cat "$data/api.log"; exit 1; }
echo "== TaskApi POST /tasks: $db, notifications consumer $notifications, $(nproc) cores, wrk -t$threads -c$connections -d$duration"
wrk -t"$threads" -c"$connections" -d"$warmup" -s bench/taskapi/post.lua "http://127.0.0.1:$port" >/dev/null
wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/taskapi/post.lua "http://127.0.0.1:$port"
sleep 2
curl -s "http://127.0.0.1:$port/health" | python3 -c 'import json,sys; h=json.load(sys.stdin); print("outbox after the run:", h["checks"]["outbox"]["description"])'
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^taskapi_write_batch_size_(sum|count)' | sed 's/{[^}]*}//' | tr '\n' ' ' | awk '{ if ($4 > 0) printf "writes per transaction: %.1f\n", $2/$4 }'
