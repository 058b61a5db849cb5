#!/bin/bash
# A standalone ZooKeeper server (as the local stack's KAFKA_MODE=zookeeper): zoo.cfg written here,
# the four-letter commands limited to the health probe's.
set -euo pipefail
conf=/var/lib/zookeeper/zoo.cfg
cat > "$conf" <<CFG
dataDir=/var/lib/zookeeper/data
clientPort=2181
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
tickTime=2000
CFG
exec java -Xms"$ZOOKEEPER_HEAP" -Xmx"$ZOOKEEPER_HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp '/opt/kafka/lib/*' \
  org.apache.zookeeper.server.quorum.QuorumPeerMain "$conf"
