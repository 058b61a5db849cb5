#!/bin/bash
# The node listens on the container's own address (Cassandra refuses 0.0.0.0 as a listen address);
# conf/jvm.args holds the local stack's JVM flags, one per line.
set -euo pipefail
addr="$(hostname -i | awk '{print $1}')"
# CASSANDRA_AUTHENTICATOR: PasswordAuthenticator (the default, as on the local stack) or another.
sed -e "s/__HOST__/$addr/g" -e "s/^authenticator: .*/authenticator: ${CASSANDRA_AUTHENTICATOR:-PasswordAuthenticator}/" \
  /opt/cassandra/conf/cassandra.yaml.in > /opt/cassandra/conf/cassandra.yaml
exec java -Xms"$CASSANDRA_HEAP" -Xmx"$CASSANDRA_HEAP" @/opt/cassandra/conf/jvm.args \
  -cp '/opt/cassandra/lib/*' org.apache.cassandra.service.CassandraDaemon
