#!/usr/bin/env bash
# The Docker deployment end to end, on a Debian 12 machine, as root, with no image registry:
#
#   deploy/compose-e2e.sh
#
#   1. installs docker.io, docker-compose (1.29), debootstrap and curl from Debian's packages (no service started)
#   2. starts its own Docker daemon on a private socket, data and exec root, off the host's firewall and forwarding
#      settings (--iptables=false --ip-forward=false --ip-masq=false --bridge=none)
#   3. makes the base images with debootstrap (Debian 12 minbase: a JRE for the run stage, JDK and Maven for the
#      build stage) and imports them
#   4. builds deploy/Dockerfile from the repository (BuildKit, Maven with --network host)
#   5. starts node1..node3 of deploy/docker-compose.yml and waits for them to be healthy
#   6. runs the demo client, waits for it, checks its report says "verification  PASSED"
#   7. checks each node's published metrics port (9401..9403) answers tierpool_cluster_nodes 3, and that each node
#      joined over TLS with the credentials the compose file's membership service made, and serves its data path
#      only to holders of the cluster secret its secret service made (the demo client, step 6, holds it)
#   8. docker-compose down -v; checks the host's forwarding and firewall (ip_forward, bridge-nf-call-iptables, the
#      nftables rule set) are as they were before its daemon started
# and, whatever happened, stops its daemon and removes everything it made (the trap): containers, images, volumes,
# networks, the daemon's directories and the base image's root file system. The packages stay installed.
#
# Exit status: 0 passed; 1 a step failed (the deployment is broken, or this script is); 77 skipped: this machine
# cannot run it (not root, not Debian 12, packages not installable, the daemon does not start), said on stderr.
# Each step prints its time; the summary at the end lists them.
#
# Settings (environment): TIERPOOL_E2E_DEMO_TIMEOUT (s, default 600), TIERPOOL_E2E_HEALTHY_TIMEOUT (s, default 240),
# TIERPOOL_E2E_MIRROR (Debian mirror for debootstrap; default: the host's apt source), TIERPOOL_E2E_KEEP_LOGS=DIR
# (copy the logs there before cleaning up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)

PROJECT=tierpoole2e
IMAGE=tierpool:latest
BUILD_BASE=local/tierpool-e2e-build:bookworm
RUN_BASE=local/tierpool-e2e-run:bookworm
NODES=(node1 node2 node3)
METRICS_PORTS=(9401 9402 9403)
DEMO_TIMEOUT=${TIERPOOL_E2E_DEMO_TIMEOUT:-600}
HEALTHY_TIMEOUT=${TIERPOOL_E2E_HEALTHY_TIMEOUT:-240}
SKIP=77

T0=$(date +%s)
STEP=""
STEP_T0=0
SUMMARY=()
DIR=""
DOCKERD_PID=""
COMPOSE_UP=0

log() { printf '[compose-e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
step() {
    end_step
    STEP=$1
    STEP_T0=$(date +%s)
    log "==> $STEP"
}
end_step() {
    if [ -n "$STEP" ]; then
        local took=$(( $(date +%s) - STEP_T0 ))
        log "<== $STEP: ${took} s"
        SUMMARY+=("$(printf '%5d s  %s' "$took" "$STEP")")
        STEP=""
    fi
}
skip() { echo "compose-e2e: SKIPPED: $*" >&2; exit $SKIP; }
fail() { echo "compose-e2e: FAILED in step '$STEP': $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# Clean-up: runs on every exit, also after a failure or SIGINT/SIGTERM.
docker_() { DOCKER_BUILDKIT=1 /usr/bin/docker "$@"; }
compose_() { docker-compose -p "$PROJECT" -f "$REPO/deploy/docker-compose.yml" "$@"; }

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [ -n "$STEP" ]; then
        local took=$(( $(date +%s) - STEP_T0 ))
        SUMMARY+=("$(printf '%5d s  %s (did not finish)' "$took" "$STEP")")
        STEP=""
    fi
    local c0; c0=$(date +%s)
    if [ -n "$DIR" ]; then
        # A SIGTERM to the process group (timeout, Ctrl-C) reaches dockerd too: it stops its containers and exits.
        local daemon=0
        if [ -n "$DOCKERD_PID" ] && timeout 10 /usr/bin/docker version >/dev/null 2>&1; then daemon=1; fi
        [ -z "$DOCKERD_PID" ] || [ $daemon -eq 1 ] || { log "clean-up: dockerd has stopped already"; COMPOSE_UP=0; }
        if [ $rc -ne 0 ] && [ $COMPOSE_UP -eq 1 ]; then
            log "state at failure:"
            compose_ ps 2>&1 | sed 's/^/    /'
            compose_ logs --no-color --tail 40 2>&1 | sed 's/^/    /' | tail -n 150
        fi
        if [ -n "${TIERPOOL_E2E_KEEP_LOGS:-}" ]; then
            mkdir -p "$TIERPOOL_E2E_KEEP_LOGS" && cp -f "$DIR"/*.log "$TIERPOOL_E2E_KEEP_LOGS"/ 2>/dev/null
        fi
        if [ $COMPOSE_UP -eq 1 ]; then
            log "clean-up: docker-compose down -v"
            timeout 90 docker-compose -p "$PROJECT" -f "$REPO/deploy/docker-compose.yml" down -v --timeout 30 \
                >"$DIR/down.log" 2>&1 || { log "clean-up: down failed:"; tail -n 20 "$DIR/down.log"; }
        fi
        if [ $daemon -eq 1 ]; then
            # Whatever down left (or a run that failed before it): containers first, so that none outlives dockerd.
            local ids; ids=$(timeout 20 /usr/bin/docker ps -aq 2>/dev/null)
            [ -z "$ids" ] || timeout 60 /usr/bin/docker rm -f $ids >/dev/null 2>&1
            timeout 30 /usr/bin/docker image rm -f "$IMAGE" "$BUILD_BASE" "$RUN_BASE" >/dev/null 2>&1
            log "clean-up: stopping dockerd (pid $DOCKERD_PID)"
            kill -TERM "$DOCKERD_PID"
            for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
            kill -KILL "$DOCKERD_PID" 2>/dev/null
        elif [ -n "$DOCKERD_PID" ]; then
            for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
            kill -KILL "$DOCKERD_PID" 2>/dev/null
        fi
        # Anything left that runs from our directory (containerd, shims, a chroot's apt): by pid, one at a time.
        local pid
        for pid in $(grep -lsF "$DIR" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
            [ "$pid" != "$$" ] && kill -KILL "$pid" 2>/dev/null
        done
        sleep 1
        # Mounts under our directory (the chroot's /proc, overlays, network namespaces), deepest first.
        local m
        for m in $(awk -v d="$DIR" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
            umount "$m" 2>/dev/null || umount -l "$m"
        done
        rm -rf --one-file-system "$DIR" || log "clean-up: could not remove $DIR"
    fi
    log "clean-up: $(( $(date +%s) - c0 )) s"
    echo "compose-e2e step times:"
    printf '  %s\n' "${SUMMARY[@]}"
    printf '  %5d s  total\n' "$(( $(date +%s) - T0 ))"
    if [ $rc -eq 0 ]; then echo "compose-e2e: PASSED"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------------
step "preflight"
[ "$(id -u)" -eq 0 ] || skip "needs root (apt-get, dockerd, debootstrap)"
# shellcheck disable=SC1091
. /etc/os-release 2>/dev/null || true
[ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] || skip "needs Debian 12, this is ${PRETTY_NAME:-unknown}"
for port in "${METRICS_PORTS[@]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        fail "port $port is in use on this machine: the compose file publishes the metrics ports 9401..9403"
    fi
done
DIR=$(mktemp -d /var/tmp/tpe2e.XXXXXX)
log "work directory $DIR"

# ---------------------------------------------------------------------------------------------------------------
step "install packages (docker.io docker-compose debootstrap curl)"
need=()
[ -x /usr/bin/docker ] && command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
    # No service may start from the install (docker.io's would touch the firewall): a policy-rc.d that forbids it,
    # unless the machine has one already.
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    ok=1
    { apt-get update -q >"$DIR/apt.log" 2>&1 && apt-get install -y -q --no-install-recommends "${need[@]}" \
        >>"$DIR/apt.log" 2>&1; } || ok=0
    [ $made_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ $ok -eq 0 ]; then tail -n 20 "$DIR/apt.log" >&2; skip "could not install ${need[*]}"; fi
fi
/usr/bin/docker --version
docker-compose --version
# What the network-fault tests need as it is: checked again at the end.
host_net() {
    echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
    echo "bridge-nf-call-iptables=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)"
    echo "nft ruleset sha256=$(nft list ruleset 2>/dev/null | sha256sum | cut -c1-16)"
}
HOST_NET=$(host_net)

# ---------------------------------------------------------------------------------------------------------------
step "start a private dockerd"
echo '{}' > "$DIR/daemon.json"
mkdir -p "$DIR/data" "$DIR/run" "$DIR/config"
dockerd --config-file "$DIR/daemon.json" -H "unix://$DIR/docker.sock" --data-root "$DIR/data" \
    --exec-root "$DIR/run" --pidfile "$DIR/dockerd.pid" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    </dev/null >"$DIR/dockerd.log" 2>&1 &
DOCKERD_PID=$!
export DOCKER_HOST="unix://$DIR/docker.sock" DOCKER_CONFIG="$DIR/config" COMPOSE_DOCKER_CLI_BUILD=0
for _ in $(seq 1 60); do
    /usr/bin/docker version >/dev/null 2>&1 && break
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 1
done
if ! /usr/bin/docker version >/dev/null 2>&1; then
    tail -n 30 "$DIR/dockerd.log" >&2
    skip "dockerd did not start on this machine"
fi
log "dockerd $(/usr/bin/docker version -f '{{.Server.Version}}'), storage $(/usr/bin/docker info -f '{{.Driver}}')"

# ---------------------------------------------------------------------------------------------------------------
step "base images (debootstrap bookworm minbase, JRE run image, JDK + Maven build image)"
MIRROR=${TIERPOOL_E2E_MIRROR:-}
if [ -z "$MIRROR" ]; then
    MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -oE '(https?://[^ ]*/debian)/?( |$)' | grep -v security | head -n 1 | tr -d ' ' || true)
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi
log "mirror $MIRROR"
ROOTFS="$DIR/rootfs"
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$DIR/debootstrap.log" 2>&1 ||
    { tail -n 20 "$DIR/debootstrap.log"; fail "debootstrap"; }
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d" && chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOTFS/proc"
in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
import_root() {
    in_root apt-get clean
    umount "$ROOTFS/proc"
    tar -C "$ROOTFS" --exclude=./var/lib/apt/lists --exclude=./var/cache/apt -c . |
        /usr/bin/docker import -c 'ENV LANG=C.UTF-8' - "$1" >/dev/null
    mount -t proc proc "$ROOTFS/proc"
    log "$1: $(/usr/bin/docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}
in_root apt-get update -q >>"$DIR/debootstrap.log" 2>&1
in_root apt-get install -y -q --no-install-recommends openjdk-17-jre-headless passwd >>"$DIR/debootstrap.log" 2>&1 ||
    { tail -n 20 "$DIR/debootstrap.log"; fail "JRE in the base image"; }
import_root "$RUN_BASE"
# The build image trusts what the host trusts (an egress proxy's CA, for Maven Central over https).
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
fi
in_root apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven ca-certificates-java \
    >>"$DIR/debootstrap.log" 2>&1 || { tail -n 20 "$DIR/debootstrap.log"; fail "JDK and Maven in the base image"; }
in_root update-ca-certificates >>"$DIR/debootstrap.log" 2>&1
import_root "$BUILD_BASE"
umount "$ROOTFS/proc"
rm -rf --one-file-system "$ROOTFS"

# ---------------------------------------------------------------------------------------------------------------
step "docker build deploy/Dockerfile"
docker_ build --network host --progress plain -f deploy/Dockerfile \
    --build-arg "BUILD_IMAGE=$BUILD_BASE" --build-arg "RUN_IMAGE=$RUN_BASE" -t "$IMAGE" . >"$DIR/build.log" 2>&1 ||
    { tail -n 40 "$DIR/build.log"; fail "docker build"; }
log "$IMAGE: $(/usr/bin/docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"

# ---------------------------------------------------------------------------------------------------------------
step "compose up node1 node2 node3, wait until healthy"
COMPOSE_UP=1
compose_ up -d --no-build "${NODES[@]}" >"$DIR/up.log" 2>&1 || { cat "$DIR/up.log"; fail "docker-compose up"; }
deadline=$(( $(date +%s) + HEALTHY_TIMEOUT ))
while :; do
    states=""
    for node in "${NODES[@]}"; do
        id=$(compose_ ps -q "$node")
        states+="$node=$(/usr/bin/docker inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id") "
    done
    case "$states" in *unhealthy*|*exited*|*dead*) fail "a node failed: $states" ;; esac
    [ "$(grep -o '/healthy' <<<"$states" | wc -l)" -eq ${#NODES[@]} ] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail "nodes not healthy after ${HEALTHY_TIMEOUT} s: $states"
    sleep 2
done
log "$states"

# ---------------------------------------------------------------------------------------------------------------
step "demo client (compose service demo) to its report"
compose_ up -d --no-build demo >>"$DIR/up.log" 2>&1 || { cat "$DIR/up.log"; fail "docker-compose up demo"; }
demo_id=$(compose_ ps -q demo)
demo_rc=$(timeout "$DEMO_TIMEOUT" /usr/bin/docker wait "$demo_id") || fail "the demo did not finish in ${DEMO_TIMEOUT} s"
/usr/bin/docker logs "$demo_id" >"$DIR/demo.log" 2>&1
grep -E '^  [a-z]' "$DIR/demo.log" || true   # the demo's report, without its progress lines
[ "$demo_rc" -eq 0 ] || { tail -n 60 "$DIR/demo.log"; fail "the demo exited with $demo_rc"; }
VERIFICATION=$(grep -E '^[[:space:]]*verification[[:space:]]+' "$DIR/demo.log" | tail -n 1)
grep -qE '^[[:space:]]*verification[[:space:]]+PASSED' <<<"$VERIFICATION" ||
    { tail -n 60 "$DIR/demo.log"; fail "the demo's report does not say verification PASSED"; }

# ---------------------------------------------------------------------------------------------------------------
step "metrics ports 9401..9403: tierpool_cluster_nodes 3"
for port in "${METRICS_PORTS[@]}"; do
    line=$(curl -sS --max-time 10 "http://127.0.0.1:$port/metrics" | grep -E '^tierpool_cluster_nodes[ {]' || true)
    log "127.0.0.1:$port  $line"
    grep -qE '^tierpool_cluster_nodes(\{[^}]*\})? 3(\.0+)?$' <<<"$line" ||
        fail "127.0.0.1:$port/metrics does not say tierpool_cluster_nodes 3: '$line'"
done

# ---------------------------------------------------------------------------------------------------------------
step "membership: every node joined with the credentials of the membership service (TLS)"
for node in "${NODES[@]}"; do
    # The whole log first, then grep: 'logs | grep -q' fails under pipefail once grep exits before a long log is
    # written out (SIGPIPE to docker-compose).
    node_log=$(compose_ logs --no-color "$node" 2>&1 || true)
    grep -q "membership security is TLS" <<<"$node_log" ||
        fail "$node did not log 'membership security is TLS'"
done
log "every node runs Ignite discovery and communication over TLS with the cluster's credentials"

# ---------------------------------------------------------------------------------------------------------------
step "data path: every node serves only holders of the secret service's cluster secret"
for node in "${NODES[@]}"; do
    # The whole log first, then grep: 'logs | grep -q' fails under pipefail once grep exits before a long log is
    # written out (SIGPIPE to docker-compose).
    node_log=$(compose_ logs --no-color "$node" 2>&1 || true)
    grep -q "data-path security ON" <<<"$node_log" ||
        fail "$node did not log 'data-path security ON'"
done
log "every node authenticates its clients with the cluster secret (the demo above held it)"

# ---------------------------------------------------------------------------------------------------------------
step "compose down -v"
compose_ down -v --timeout 30 >"$DIR/down.log" 2>&1 || { cat "$DIR/down.log"; fail "docker-compose down -v"; }
COMPOSE_UP=0
left=$(/usr/bin/docker ps -aq; /usr/bin/docker volume ls -q; /usr/bin/docker network ls -q --filter "name=${PROJECT}")
[ -z "$left" ] || fail "left after down -v: $left"
now=$(host_net)
[ "$now" = "$HOST_NET" ] || fail "the host's forwarding or firewall changed: before: $HOST_NET; now: $now"
log "host forwarding and firewall as before: $(tr '\n' ' ' <<<"$now")"
end_step

echo "compose-e2e demo report: $VERIFICATION"
