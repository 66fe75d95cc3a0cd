#!/usr/bin/env bash
# The fault command for `rk audit` against Kafka installed from the Apache tarball (docs/audit.md, "Against a real
# cluster"):
#
#   rk audit --bootstrap-servers 127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094 \
#            --fault-command "samples/audit/kafka-fault.sh {action} {broker}"
#
#   stop N   a controlled shutdown of node N (SIGTERM, what kafka-server-stop.sh sends: leadership moves first);
#            returns once its process has exited.
#   start N  starts node N; returns once its listener accepts connections (the audit then waits for the ISR).
#
# The nodes run either as systemd units (KAFKA_SERVICE='kafka@{broker}': systemctl stop waits for the exit) or, by
# default, with bin/kafka-server-start.sh -daemon and bin/kafka-server-stop.sh --node-id=N (Kafka 3.7 or later).
# Settings, from the environment:
#   KAFKA_HOME     the unpacked tarball (default /opt/kafka)
#   KAFKA_CONFIG   node N's configuration, {broker} replaced (default $KAFKA_HOME/config/node-{broker}.properties)
#   KAFKA_SERVICE  a systemd unit, {broker} replaced, for example kafka@{broker} (default: none, use the scripts)
#   KAFKA_HOST     where node N listens (default 127.0.0.1)
#   KAFKA_PORT     its client port, {broker} replaced or a number (default 9091 + N: 9092, 9093, 9094)
#   FAULT_TIMEOUT  seconds to wait for a stop or a start (default 180)
# Exit codes: 0 done, 1 the node did not stop or start in time, 2 bad arguments. rk audit fails the run on non-zero.
set -euo pipefail

usage() { echo "usage: kafka-fault.sh stop|start NODE_ID" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
broker=$2
case "$broker" in '' | *[!0-9]*) echo "kafka-fault.sh: NODE_ID must be a number, not '$broker'" >&2; exit 2 ;; esac

home=${KAFKA_HOME:-/opt/kafka}
config=${KAFKA_CONFIG:-$home/config/node-{broker\}.properties}
config=${config//\{broker\}/$broker}
service=${KAFKA_SERVICE:-}
service=${service//\{broker\}/$broker}
host=${KAFKA_HOST:-127.0.0.1}
port=${KAFKA_PORT:-$((9091 + broker))}
port=${port//\{broker\}/$broker}
timeout=${FAULT_TIMEOUT:-180}

# The node's JVM: kafka.Kafka started with its configuration file.
running() { pgrep -f "kafka\\.Kafka .*$config" > /dev/null; }
stopped() { ! running; }
listening() { (exec 3<> "/dev/tcp/$host/$port") 2> /dev/null; }

wait_until() {
  local what=$1 check=$2
  for _ in $(seq "$timeout"); do
    "$check" && return 0
    sleep 1
  done
  echo "kafka-fault.sh: node $broker $what within ${timeout} s" >&2
  exit 1
}

case "$action" in
  stop)
    if [ -n "$service" ]; then
      systemctl stop "$service"
    elif running; then
      "$home/bin/kafka-server-stop.sh" --node-id="$broker"
    fi
    wait_until "did not stop" stopped
    echo "node $broker stopped"
    ;;
  start)
    if [ -n "$service" ]; then
      systemctl start "$service"
    elif stopped; then
      [ -f "$config" ] || { echo "kafka-fault.sh: $config does not exist (set KAFKA_CONFIG)" >&2; exit 2; }
      "$home/bin/kafka-server-start.sh" -daemon "$config"
    fi
    wait_until "is not listening on $host:$port" listening
    echo "node $broker started, listening on $host:$port"
    ;;
  *)
    usage
    ;;
esac
