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
if grep -q '^process.roles=' "$conf"; then
  : "${KAFKA_CLUSTER_ID:?kafka: set KAFKA_CLUSTER_ID (KRaft)}"
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$conf" --ignore-formatted >/dev/null
fi
exec java "${java_opts[@]}" kafka.Kafka "$conf"
