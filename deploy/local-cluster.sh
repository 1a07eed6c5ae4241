#!/usr/bin/env bash
# Runs a TierPool cluster on this machine: N node daemons as background JVMs on loopback, each with its own
# ports and directories, all state under one directory that `down` removes.
#
#   deploy/local-cluster.sh up [N]     start N node daemons (default 3, at most 16), wait until each is ready and
#                                      all N see each other (a client asks them over Aeron), print endpoints
#   deploy/local-cluster.sh status     each node's process and tiers (capacity, used, free, blocks)
#   deploy/local-cluster.sh down       SIGTERM every node, wait, SIGKILL stragglers, remove every file
#
# Settings shared by every node come from deploy/cluster.env (the same file docker-compose.yml loads); a
# TIERPOOL_* variable already set in your environment wins over the file. Port plan, node i = 1..N:
#   Aeron data port       TIERPOOL_CLUSTER_DATA_BASE_PORT          + i   (default 40500 + i)
#   Ignite discovery      TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT     + i   (default 47500 + i)
#   Ignite communication  TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT + i   (default 47600 + i)
#   metrics (HTTP)        TIERPOOL_CLUSTER_METRICS_BASE_PORT       + i   (default 9400 + i; -1 disables metrics)
# Clients (top, stats, the library) need only the Aeron endpoints: TierPool.Context.nodes(...), top --nodes.
# Other variables:
#   TIERPOOL_CLUSTER_DIR            state directory: pid files, logs, VSSD files (default <repo>/.tierpool-cluster)
#   TIERPOOL_CLUSTER_SHM_PARENT     tmpfs under which the VVRAM and Aeron directories go (default /dev/shm)
#   TIERPOOL_CLUSTER_ENV            the shared settings file (default deploy/cluster.env)
#   TIERPOOL_CLUSTER_READY_TIMEOUT  seconds to wait for each node's ready line and for the cluster (default 120)
#   TIERPOOL_CLUSTER_STOP_TIMEOUT   seconds `down` waits after SIGTERM before SIGKILL (default 30)
#   TIERPOOL_SECURITY_MEMBERSHIP    tls (default here): fresh membership credentials for the nodes' Ignite cluster
#                                   in <state>/membership, made at `up`, removed by `down` (docs/SECURITY.md);
#                                   off: none, any process that reaches the discovery ports can join (a warning)
#   TIERPOOL_SECURITY_MEMBERSHIP_DIR  credentials to use instead of fresh ones (made with MembershipCredentials)
#   TIERPOOL_SECURITY               on (default here): a fresh cluster secret for the data path in <state>/secret
#                                   (owner-only, made with `tierpool secret` at `up`, removed by `down`); the nodes
#                                   refuse clients without it; clients: TIERPOOL_SECRET_FILE=<state>/secret
#                                   (docs/SECURITY.md). off: an open data path, anyone who can send UDP to the
#                                   Aeron ports can read, overwrite or free any block (a warning)
#   TIERPOOL_HOST                   address the nodes bind (default 127.0.0.1)
#   TIERPOOL_JAVA_OPTS              node JVM heap flags (default -Xms256m -Xmx1g)
#   TIERPOOL_CLIENT_CLASSPATH       classpath for the top/stats client JVMs instead of pool-client/cli/target/tierpool.jar
#                                   (the tests set it: during `mvn verify` that jar is built after the tests run)
# The nodes run node/daemon/target/tierpool-node.jar; a missing jar is built with Maven first.
set -euo pipefail

readonly MAX_NODES=16
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly root
readonly options="$root/node/daemon/src/main/resources/io/tierpool/node/jvm.options"
readonly node_jar="$root/node/daemon/target/tierpool-node.jar"
readonly client_jar="$root/pool-client/cli/target/tierpool.jar"
readonly ready_prefix="TIERPOOL-NODE-READY "

: "${TIERPOOL_CLUSTER_DATA_BASE_PORT:=40500}"
: "${TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT:=47500}"
: "${TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT:=47600}"
: "${TIERPOOL_CLUSTER_METRICS_BASE_PORT:=9400}"
: "${TIERPOOL_CLUSTER_READY_TIMEOUT:=120}"
: "${TIERPOOL_CLUSTER_STOP_TIMEOUT:=30}"
: "${TIERPOOL_CLUSTER_SHM_PARENT:=/dev/shm}"

state="${TIERPOOL_CLUSTER_DIR:-$root/.tierpool-cluster}"
case "$state" in
    /*) ;;
    *) state="$PWD/$state" ;;
esac
readonly state

say() { echo "local-cluster: $*" >&2; }
die() { say "error: $*"; exit 2; }

usage() {
    sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

require_integer() {
    # $1 name, $2 value, $3 minimum, $4 maximum
    [[ "$2" =~ ^-?[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
        die "$1=$2 must be an integer in $3..$4"
}

check_settings() {
    require_integer TIERPOOL_CLUSTER_DATA_BASE_PORT "$TIERPOOL_CLUSTER_DATA_BASE_PORT" 1024 $((65535 - MAX_NODES))
    require_integer TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT "$TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT" 1024 $((65535 - 100))
    require_integer TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT "$TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT" 1024 $((65535 - 200))
    if [ "$TIERPOOL_CLUSTER_METRICS_BASE_PORT" != "-1" ]; then
        require_integer TIERPOOL_CLUSTER_METRICS_BASE_PORT "$TIERPOOL_CLUSTER_METRICS_BASE_PORT" 1024 $((65535 - MAX_NODES))
    fi
    require_integer TIERPOOL_CLUSTER_READY_TIMEOUT "$TIERPOOL_CLUSTER_READY_TIMEOUT" 1 3600
    require_integer TIERPOOL_CLUSTER_STOP_TIMEOUT "$TIERPOOL_CLUSTER_STOP_TIMEOUT" 1 3600
    command -v java >/dev/null 2>&1 || die "java is not on the PATH: install a JDK or JRE 17+"
}

# Exports each KEY=VALUE of the shared settings file unless KEY is already set in the environment.
load_shared_settings() {
    local file="${TIERPOOL_CLUSTER_ENV:-$root/deploy/cluster.env}" line key value number=0
    [ -f "$file" ] || die "the shared settings file $file is missing (TIERPOOL_CLUSTER_ENV)"
    while IFS= read -r line || [ -n "$line" ]; do
        number=$((number + 1))
        case "$line" in
            '' | '#'*) continue ;;
        esac
        key="${line%%=*}"
        value="${line#*=}"
        [[ "$line" == *=* && "$key" =~ ^TIERPOOL_[A-Z_]+$ && "$value" =~ ^[^[:space:]\"\']*$ ]] ||
            die "$file line $number is not TIERPOOL_NAME=value (no quotes or spaces): $line"
        if [ -z "${!key+x}" ]; then
            export "$key=$value"
        fi
    done < "$file"
}

ensure_jar() {
    # $1 jar, $2 module that builds it
    [ -f "$1" ] && return 0
    command -v mvn >/dev/null 2>&1 || die "$1 is missing and Maven (mvn) is not installed to build it"
    say "$1 is missing: building it with Maven (about a minute)..."
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/tierpool-cluster-build.XXXXXX")"
    if ! (cd "$root" && mvn -q -B -DskipTests package -pl "$2" -am) > "$log" 2>&1; then
        tail -n 40 "$log" >&2
        rm -f "$log"
        die "the build of $2 failed (last lines above)"
    fi
    rm -f "$log"
}

host() { echo "${TIERPOOL_HOST:-127.0.0.1}"; }
node_count() { cat "$state/nodes" 2>/dev/null || echo 0; }
discovery_list() { echo "$(host):$((TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT + 1))..$((TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT + $1))"; }
shm_dir() { cat "$state/shm-dir" 2>/dev/null || true; }

metrics_port() {
    if [ "$TIERPOOL_CLUSTER_METRICS_BASE_PORT" = "-1" ]; then echo -1; else echo $((TIERPOOL_CLUSTER_METRICS_BASE_PORT + $1)); fi
}

# $1 a ready line, $2 a key: prints the key's value, or nothing.
ready_field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1"; }

# Whether pid $1 is a live node daemon JVM (not a recycled pid, not a zombie).
is_node_process() {
    local pid="$1"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    ps -p "$pid" -o args= 2>/dev/null | grep -q -- 'tierpool-node\.jar'
}

node_pid() { cat "$state/node-$1/pid" 2>/dev/null || true; }

# Membership credentials for the nodes' Ignite cluster (docs/SECURITY.md): the nodes inherit the two variables.
setup_membership() {
    export TIERPOOL_SECURITY_MEMBERSHIP="${TIERPOOL_SECURITY_MEMBERSHIP:-tls}"
    case "$TIERPOOL_SECURITY_MEMBERSHIP" in
        off)
            say "warning: TIERPOOL_SECURITY_MEMBERSHIP=off: any process that reaches the discovery ports can join"
            return 0 ;;
        tls) ;;
        *) die "TIERPOOL_SECURITY_MEMBERSHIP=$TIERPOOL_SECURITY_MEMBERSHIP must be tls or off" ;;
    esac
    if [ -z "${TIERPOOL_SECURITY_MEMBERSHIP_DIR:-}" ]; then
        export TIERPOOL_SECURITY_MEMBERSHIP_DIR="$state/membership"
        java -cp "$node_jar" io.tierpool.node.cluster.MembershipCredentials "$TIERPOOL_SECURITY_MEMBERSHIP_DIR" \
            > /dev/null || die "could not make membership credentials in $TIERPOOL_SECURITY_MEMBERSHIP_DIR"
        say "fresh membership credentials (TLS) in $TIERPOOL_SECURITY_MEMBERSHIP_DIR"
    else
        say "membership credentials (TLS) from $TIERPOOL_SECURITY_MEMBERSHIP_DIR"
    fi
}

# The data-path cluster secret (docs/SECURITY.md): a fresh one per `up`, made by the project's own generator
# (`tierpool secret`: 256 random bits, a new file created rw-------). The nodes and the client JVMs this script
# runs inherit TIERPOOL_SECURITY and TIERPOOL_SECRET_FILE; the secret is never an argument, only its file's path.
setup_secret() {
    export TIERPOOL_SECURITY="${TIERPOOL_SECURITY:-on}"
    case "$TIERPOOL_SECURITY" in
        off)
            unset TIERPOOL_SECRET_FILE
            say "warning: TIERPOOL_SECURITY=off: an open data path, anyone who can send UDP to the nodes' Aeron ports can read, overwrite or free any block"
            return 0 ;;
        on) ;;
        *) die "TIERPOOL_SECURITY=$TIERPOOL_SECURITY must be on or off" ;;
    esac
    local file="$state/secret"
    if [ -n "${TIERPOOL_SECRET_FILE:-}" ] && [ "$TIERPOOL_SECRET_FILE" != "$file" ]; then
        say "not using TIERPOOL_SECRET_FILE=$TIERPOOL_SECRET_FILE from the environment: each \`up\` makes a fresh secret"
    fi
    client_cli secret --out "$file" > /dev/null || die "could not make the cluster secret $file"
    export TIERPOOL_SECRET_FILE="$file"
    say "fresh cluster secret (data path) in $TIERPOOL_SECRET_FILE; clients: TIERPOOL_SECRET_FILE=$TIERPOOL_SECRET_FILE"
}

# For `status`: the secret `up` made, when it made one.
use_secret() {
    if [ -f "$state/secret" ]; then
        export TIERPOOL_SECRET_FILE="$state/secret"
    fi
}

# Runs the tierpool command line (stats, top) in a client JVM whose files stay under the state directories.
client_cli() {
    local tools_tmp="$state/tools/tmp" tools_shm
    tools_shm="$(shm_dir)"
    tools_shm="${tools_shm:-$state}/tools"
    mkdir -p "$tools_tmp" "$tools_shm"
    local jvm=(-Xms64m -Xmx256m -Djava.io.tmpdir="$tools_tmp" -Dtierpool.transport.base.dir="$tools_shm" @"$options")
    if [ -n "${TIERPOOL_CLIENT_CLASSPATH:-}" ]; then
        java "${jvm[@]}" -cp "$TIERPOOL_CLIENT_CLASSPATH" io.tierpool.client.cli.TierPoolCli "$@"
    else
        ensure_jar "$client_jar" pool-client
        java "${jvm[@]}" -jar "$client_jar" "$@"
    fi
}

# The node daemons' Aeron endpoints, comma separated: what clients (top, the library) bootstrap from.
endpoint_list() {
    local n="$1" i list=""
    for ((i = 1; i <= n; i++)); do
        list+="${list:+,}$(host):$((TIERPOOL_CLUSTER_DATA_BASE_PORT + i))"
    done
    echo "$list"
}

client_cluster_flags() {
    echo --nodes "$(endpoint_list "$(node_count)")" --host "$(host)"
}

start_node() {
    local i="$1" discovery="$2" shm="$3"
    local dir="$state/node-$i" node_shm="$shm/node-$i"
    mkdir -p "$dir/vssd" "$dir/tmp" "$node_shm/vvram" "$node_shm/aeron"
    local args=(
        --name "node-$i"
        --host "$(host)"
        --port $((TIERPOOL_CLUSTER_DATA_BASE_PORT + i))
        --discovery "$discovery"
        --discovery-port $((TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT + i))
        --communication-port $((TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT + i))
        --metrics-port "$(metrics_port "$i")"
        --vvram-dir "$node_shm/vvram"
        --vssd-dir "$dir/vssd"
        --aeron-dir "$node_shm/aeron"
    )
    local detach=()
    if command -v setsid >/dev/null 2>&1; then
        detach=(setsid)  # its own session: a Ctrl-C in this terminal later does not reach the node
    fi
    # shellcheck disable=SC2086 # TIERPOOL_JAVA_OPTS holds several flags
    (exec ${detach[@]+"${detach[@]}"} java ${TIERPOOL_JAVA_OPTS:--Xms256m -Xmx1g} -Djava.io.tmpdir="$dir/tmp" @"$options" \
        -jar "$node_jar" "${args[@]}") > "$dir/node.log" 2>&1 < /dev/null &
    echo $! > "$dir/pid"
}

# Prints a log: all of it when short, else its first 10 lines (where usage errors are) and its last 30.
excerpt() {
    if [ "$(wc -l < "$1")" -le 60 ]; then
        cat "$1"
    else
        head -n 10 "$1"
        echo "  ..."
        tail -n 30 "$1"
    fi
}

# Stops whatever `up` started, then explains why (the explanation outlives the removed state directory).
fail_up() {
    local why="$1"
    do_down > /dev/null
    say "$why"
    exit 1
}

# Waits for node $1's ready line; records it and the JVM's pid. Sets failure and returns 1 if the node died or
# timed out.
await_ready() {
    local i="$1" dir="$state/node-$1" deadline=$((SECONDS + TIERPOOL_CLUSTER_READY_TIMEOUT)) line
    while true; do
        line="$(grep -m 1 "^$ready_prefix" "$dir/node.log" 2>/dev/null || true)"
        if [ -n "$line" ]; then
            echo "$line" > "$dir/ready"
            local pid
            pid="$(ready_field "$line" pid)"
            [ -n "$pid" ] && echo "$pid" > "$dir/pid"
            return 0
        fi
        if ! kill -0 "$(node_pid "$i")" 2>/dev/null; then
            failure="node-$i exited before it was ready; its log:"$'\n'"$(excerpt "$dir/node.log")"
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            failure="node-$i printed no ready line within ${TIERPOOL_CLUSTER_READY_TIMEOUT}s; its log:"$'\n'"$(excerpt "$dir/node.log")"
            return 1
        fi
        sleep 0.2
    done
}

print_endpoints() {
    local n="$1" i line metrics
    printf '%-8s %8s  %-22s %-17s %-36s %s\n' node pid "aeron endpoint" discovery metrics log
    for ((i = 1; i <= n; i++)); do
        line="$(cat "$state/node-$i/ready" 2>/dev/null || true)"
        metrics="$(ready_field "$line" metrics)"
        printf '%-8s %8s  %-22s %-17s %-36s %s\n' "node-$i" "$(node_pid "$i")" "$(ready_field "$line" endpoint)" \
            "$(host):$((TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT + i))" \
            "$([ -n "$metrics" ] && echo "http://$metrics/metrics" || echo -)" "${state#"$PWD"/}/node-$i/node.log"
    done
}

do_up() {
    local n="${1:-3}"
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le "$MAX_NODES" ] || die "up N: N=$n must be in 1..$MAX_NODES"
    if [ -d "$state" ]; then
        local i
        for ((i = 1; i <= $(node_count); i++)); do
            is_node_process "$(node_pid "$i")" &&
                die "a local cluster is already up in $state; stop it first: $0 down"
        done
        say "removing the leftovers of a cluster that is no longer running in $state"
        do_down > /dev/null
    fi
    case "${TIERPOOL_SECURITY:-on}" in
        on | off) ;;
        *) die "TIERPOOL_SECURITY=$TIERPOOL_SECURITY must be on or off" ;;
    esac
    ensure_jar "$node_jar" node

    mkdir -p "$state"
    echo "$n" > "$state/nodes"
    setup_membership
    setup_secret
    local shm
    if [ -d "$TIERPOOL_CLUSTER_SHM_PARENT" ] && [ -w "$TIERPOOL_CLUSTER_SHM_PARENT" ]; then
        shm="$(mktemp -d "$TIERPOOL_CLUSTER_SHM_PARENT/tierpool-cluster.XXXXXX")"
    else
        say "warning: $TIERPOOL_CLUSTER_SHM_PARENT is not a writable directory: VVRAM and Aeron files go to disk"
        shm="$state/shm"
        mkdir -p "$shm"
    fi
    echo "$shm" > "$state/shm-dir"
    trap 'do_down > /dev/null; say "interrupted: stopped the nodes started so far"; exit 130' INT TERM

    local discovery
    discovery="$(discovery_list "$n")"
    say "starting $n node daemon(s) on $(host), discovery $discovery, state in $state"
    local i
    for ((i = 1; i <= n; i++)); do
        # One after the other, so that node-1 is the Ignite coordinator before the others join.
        start_node "$i" "$discovery" "$shm"
        local failure=""
        await_ready "$i" || fail_up "$failure"
        say "node-$i ready: $(ready_field "$(cat "$state/node-$i/ready")" endpoint)"
    done

    say "waiting until a client sees all $n nodes (asking the node daemons over Aeron)"
    local view
    # shellcheck disable=SC2046 # the flags are words without spaces
    if ! view="$(client_cli top --once --await-nodes "$n" --timeout "${TIERPOOL_CLUSTER_READY_TIMEOUT}s" \
        $(client_cluster_flags) 2>&1)"; then
        local logs=""
        for ((i = 1; i <= n; i++)); do
            logs+=$'\n'"node-$i:"$'\n'"$(tail -n 10 "$state/node-$i/node.log")"
        done
        fail_up "could not confirm that the $n nodes see each other (a client asking the node daemons over Aeron, waiting up to ${TIERPOOL_CLUSTER_READY_TIMEOUT}s, failed):"$'\n'"$view$logs"
    fi
    trap - INT TERM

    echo "TierPool local cluster: $n node(s) up, discovery $discovery"
    print_endpoints "$n"
    echo
    echo "$view"
    echo
    local first_metrics
    first_metrics="$(ready_field "$(cat "$state/node-1/ready")" metrics)"
    local env_prefix=""
    if [ -n "${TIERPOOL_SECRET_FILE:-}" ]; then
        echo "Data path: security on; clients need the cluster secret: TIERPOOL_SECRET_FILE=$TIERPOOL_SECRET_FILE"
        env_prefix="TIERPOOL_SECRET_FILE=$TIERPOOL_SECRET_FILE "
    else
        echo "Data path: OPEN (TIERPOOL_SECURITY=off): no cluster secret, any process that reaches the Aeron ports is served"
    fi
    echo "Next:"
    echo "  $0 status                      each node's tiers"
    echo "  $env_prefix$root/tierpool top --nodes $(endpoint_list "$n")    every node, refreshed each second"
    echo "  $env_prefix$root/tierpool demo --join $(endpoint_list "$n") --nodes $n --host $(host)    the demo on this cluster"
    if [ -n "$first_metrics" ]; then
        echo "  curl -s http://$first_metrics/metrics | grep tierpool_tier_used_bytes"
    fi
    echo "  $0 down                        stop the nodes, remove their files"
}

do_status() {
    if [ ! -f "$state/nodes" ]; then
        echo "local-cluster: not running (no state in $state)"
        return 3
    fi
    local n rc=0 i pid line endpoint
    n="$(node_count)"
    echo "TierPool local cluster: $n node(s), discovery $(discovery_list "$n"), state in $state"
    print_endpoints "$n"
    for ((i = 1; i <= n; i++)); do
        pid="$(node_pid "$i")"
        line="$(cat "$state/node-$i/ready" 2>/dev/null || true)"
        endpoint="$(ready_field "$line" endpoint)"
        echo
        if ! is_node_process "$pid"; then
            echo "node-$i: NOT RUNNING (pid ${pid:-unknown}); see $state/node-$i/node.log"
            rc=1
        elif [ -z "$endpoint" ]; then
            echo "node-$i: running (pid $pid) but never printed its ready line; see $state/node-$i/node.log"
            rc=1
        elif ! client_cli stats --node "$endpoint"; then
            rc=1
        fi
    done
    return "$rc"
}

do_down() {
    if [ ! -d "$state" ]; then
        echo "local-cluster: nothing to stop (no $state)"
        return 0
    fi
    local n i pid pids=()
    n="$(node_count)"
    for ((i = 1; i <= n; i++)); do
        pid="$(node_pid "$i")"
        if is_node_process "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    local deadline=$((SECONDS + TIERPOOL_CLUSTER_STOP_TIMEOUT)) alive
    while true; do
        alive=()
        for pid in "${pids[@]+"${pids[@]}"}"; do
            is_node_process "$pid" && alive+=("$pid")
        done
        [ "${#alive[@]}" -eq 0 ] && break
        if [ "$SECONDS" -ge "$deadline" ]; then
            say "pid(s) ${alive[*]} still running ${TIERPOOL_CLUSTER_STOP_TIMEOUT}s after SIGTERM: sending SIGKILL"
            kill -KILL "${alive[@]}" 2>/dev/null || true
            deadline=$((SECONDS + 10))
            local killed=("${alive[@]}")
            while true; do
                alive=()
                for pid in "${killed[@]}"; do
                    is_node_process "$pid" && alive+=("$pid")
                done
                [ "${#alive[@]}" -eq 0 ] && break
                [ "$SECONDS" -ge "$deadline" ] && die "pid(s) ${alive[*]} survived SIGKILL; state left in $state"
                sleep 0.2
            done
            break
        fi
        sleep 0.2
    done
    local shm
    shm="$(shm_dir)"
    [ -n "$shm" ] && rm -rf -- "$shm"
    rm -rf -- "$state"
    echo "local-cluster: stopped ${#pids[@]} node(s) and removed $state${shm:+ and $shm}"
}

main() {
    local command="${1:-}"
    [ $# -gt 0 ] && shift
    case "$command" in
        up)
            [ $# -le 1 ] || die "up takes one argument, the node count"
            check_settings
            load_shared_settings
            do_up "$@"
            ;;
        status)
            [ $# -eq 0 ] || die "status takes no arguments"
            check_settings
            load_shared_settings
            use_secret
            do_status
            ;;
        down)
            [ $# -eq 0 ] || die "down takes no arguments"
            require_integer TIERPOOL_CLUSTER_STOP_TIMEOUT "$TIERPOOL_CLUSTER_STOP_TIMEOUT" 1 3600
            do_down
            ;;
        -h | --help | help)
            usage
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
