#!/usr/bin/env bash
# Runs one TierPool node daemon in the foreground with the JVM options it needs.
# Every flag has an environment variable (see --help), e.g.
#   TIERPOOL_NODE_NAME=node-1 TIERPOOL_PORT=40501 TIERPOOL_DISCOVERY_PORT=47501 deploy/run-node.sh --ram 512m
# Stop it with Ctrl-C or SIGTERM: it leaves the cluster and removes its files.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/node/daemon/target/tierpool-node.jar"
if [ ! -f "$jar" ]; then
    echo "run-node.sh: $jar is missing; build it with: (cd $root && mvn -q -DskipTests install)" >&2
    exit 2
fi
exec java ${TIERPOOL_JAVA_OPTS:--Xms256m -Xmx1g} @"$root/node/daemon/src/main/resources/io/tierpool/node/jvm.options" -jar "$jar" "$@"
