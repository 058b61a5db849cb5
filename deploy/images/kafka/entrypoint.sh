#!/bin/bash
# server.properties from the environment: each KAFKA_CFG_FOO_BAR=value becomes foo.bar=value (the
# compose file holds the settings). KRaft: the log dir is formatted once with KAFKA_CLUSTER_ID.
set -euo pipefail
conf=/var/lib/kafka/server.properties
{
  echo "log.dirs=/var/lib/kafka/data"
  env | grep '^KAFKA_CFG_' | sort | while IFS='=' read -r name value; do
    key="$(echo "${name#KAFKA_CFG_}" | tr '[:upper:]_' '[:lower:].')"
    echo "$key=$value"
  done
} > "$conf"
java_opts=(-Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp '/opt/kafka/lib/*')
# The SCRAM login's arguments go through a java argument file (mode 600 in a private directory,
# removed after), so the password is on no command line.
run_with_args_file() {
  local dir
  dir="$(umask 077 && mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
  (umask 077 && printf '%s\n' "$@" > "$dir/tool.args")
  java "${java_opts[@]}" "@$dir/tool.args" >/dev/null
  rm -rf "$dir"
  trap - EXIT
}
if [[ -n "${KAFKA_SCRAM_USERNAME:-}" ]]; then
  : "${KAFKA_SCRAM_PASSWORD:?kafka: set KAFKA_SCRAM_PASSWORD with KAFKA_SCRAM_USERNAME}"
  [[ "$KAFKA_SCRAM_USERNAME$KAFKA_SCRAM_PASSWORD" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "kafka: KAFKA_SCRAM_USERNAME and KAFKA_SCRAM_PASSWORD may hold only letters, digits, _ . -" >&2; exit 1; }
fi
if grep -q '^process.roles=' "$conf"; then
  : "${KAFKA_CLUSTER_ID:?kafka: set KAFKA_CLUSTER_ID (KRaft)}"
  format=(kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$conf" --ignore-formatted)
  # KAFKA_SCRAM_USERNAME/KAFKA_SCRAM_PASSWORD: the SCRAM login of the SASL listeners, written into the
  # metadata when the volume is formatted (KIP-900).
  if [[ -n "${KAFKA_SCRAM_USERNAME:-}" ]]; then
    for mechanism in SCRAM-SHA-512 SCRAM-SHA-256; do
      format+=(--add-scram "$mechanism=[name=$KAFKA_SCRAM_USERNAME,iterations=4096,password=$KAFKA_SCRAM_PASSWORD]")
    done
    run_with_args_file "${format[@]}"
  else
    java "${java_opts[@]}" "${format[@]}" >/dev/null
  fi
elif [[ -n "${KAFKA_SCRAM_USERNAME:-}" ]]; then
  # ZooKeeper mode keeps SCRAM logins in ZooKeeper: written (idempotently) before the broker starts.
  zk="$(sed -n 's/^zookeeper.connect=//p' "$conf")"
  : "${zk:?kafka: set KAFKA_CFG_ZOOKEEPER_CONNECT or KAFKA_CFG_PROCESS_ROLES}"
  run_with_args_file kafka.admin.ConfigCommand --zookeeper "$zk" --alter --entity-type users \
    --entity-name "$KAFKA_SCRAM_USERNAME" \
    --add-config "SCRAM-SHA-512=[iterations=4096,password=$KAFKA_SCRAM_PASSWORD],SCRAM-SHA-256=[iterations=4096,password=$KAFKA_SCRAM_PASSWORD]"
fi
exec java "${java_opts[@]}" kafka.Kafka "$conf"
