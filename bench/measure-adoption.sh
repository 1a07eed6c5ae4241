#!/usr/bin/env bash
# Measures what issue 13 asks docs/ADOPTION.md to give, before and after the thin client, on the code as it is:
#   1. the client's runtime dependency list (mvn dependency:list of tierpool-client, compile + runtime scope),
#   2. the size of each jar on the client's runtime class path, their total, and the runnable tierpool.jar,
#   3. the first TierPool.open in a fresh JVM with two node daemons up (ADOPTION_RUNS runs),
#   4. the time from `kill -9` of a client JVM holding far blocks to both nodes' tierpool_remote_blocks
#      metric reading 0 (ADOPTION_RUNS runs).
# The client JVMs run bench/adoption/AdoptionProbe.java on exactly the client's runtime class path, with the
# client's JVM options (pool-client/client/src/main/resources/io/tierpool/client/jvm.options), plus the node
# daemon's (Ignite's) only while that class path still holds Ignite. The probe uses TierPool.Context.nodes(...)
# where the client has it and discoveryAddresses(...) where it does not, so the script runs unchanged on both.
# The nodes are two daemons started with deploy/local-cluster.sh up 2 on their own ports and state directory;
# the script stops them (and any probe it started) on exit.
#
#   bench/measure-adoption.sh                 build (mvn -o package, tests skipped), measure, print a summary
#   ADOPTION_RUNS=5 bench/measure-adoption.sh
#
# Variables: ADOPTION_RUNS (default 3), ADOPTION_SHM_PARENT tmpfs for the probes' Aeron directories (/dev/shm), ADOPTION_BLOCKS blocks of 64 KiB the killed client holds (default 48),
# ADOPTION_OUT results directory (default target/adoption: summary.md, dependencies.txt, jars.txt, runs.txt,
# logs), ADOPTION_MVN_ARGS extra Maven arguments (default -o; set it empty to let Maven download),
# ADOPTION_SKIP_BUILD=1 to use the jars already built, and the base ports ADOPTION_DATA_BASE_PORT (44250),
# ADOPTION_DISCOVERY_BASE_PORT (55700), ADOPTION_COMMUNICATION_BASE_PORT (55720), ADOPTION_METRICS_BASE_PORT
# (55790); node i uses base + i, the probes discovery base + 30.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${ADOPTION_RUNS:-3}"
blocks="${ADOPTION_BLOCKS:-48}"
out="${ADOPTION_OUT:-$root/target/adoption}"
data_base="${ADOPTION_DATA_BASE_PORT:-44250}"
discovery_base="${ADOPTION_DISCOVERY_BASE_PORT:-55700}"
communication_base="${ADOPTION_COMMUNICATION_BASE_PORT:-55720}"
metrics_base="${ADOPTION_METRICS_BASE_PORT:-55790}"
probe_port=$((discovery_base + 30))
client_dir="$root/pool-client/client"
client_options="$client_dir/src/main/resources/io/tierpool/client/jvm.options"
node_options="$root/node/daemon/src/main/resources/io/tierpool/node/jvm.options"
probe="$root/bench/adoption/AdoptionProbe.java"
dependency_plugin="org.apache.maven.plugins:maven-dependency-plugin:3.9.0"

say() { echo "measure-adoption: $*" >&2; }
die() { say "error: $*"; exit 2; }

case "$out" in
    /|"$root"|"$HOME"|"") die "ADOPTION_OUT=$out would be wiped: give a directory of its own" ;;
esac
rm -rf "$out"
mkdir -p "$out/work"
state="$out/cluster"
holder_pid=""
# The probes' Aeron directories: on tmpfs as by default, but in a directory of this run's, so that what a killed
# client leaves there goes on exit.
shm_dir="$(mktemp -d "${ADOPTION_SHM_PARENT:-/dev/shm}/tierpool-adoption.XXXXXX")"

cluster() {
    TIERPOOL_CLUSTER_DIR="$state" \
    TIERPOOL_CLUSTER_DATA_BASE_PORT="$data_base" \
    TIERPOOL_CLUSTER_DISCOVERY_BASE_PORT="$discovery_base" \
    TIERPOOL_CLUSTER_COMMUNICATION_BASE_PORT="$communication_base" \
    TIERPOOL_CLUSTER_METRICS_BASE_PORT="$metrics_base" \
    TIERPOOL_RAM="${ADOPTION_NODE_RAM:-64m}" TIERPOOL_VVRAM=0 TIERPOOL_VSSD="${ADOPTION_NODE_VSSD:-64m}" \
        "$root/deploy/local-cluster.sh" "$@"
}

cleanup() {
    if [ -n "$holder_pid" ] && kill -0 "$holder_pid" 2>/dev/null; then
        kill -9 "$holder_pid" 2>/dev/null || true
    fi
    if [ -d "$state" ]; then
        cluster down >"$out/down.log" 2>&1 || say "local-cluster.sh down failed: see $out/down.log"
    fi
    rm -rf "$out/work" "$shm_dir"
}
trap cleanup EXIT

# --- 1, 2: build, dependency list, class path -------------------------------------------------------------------
if [ "${ADOPTION_SKIP_BUILD:-0}" != "1" ]; then
    say "building (mvn package, tests skipped) and resolving the client's dependencies..."
    # One reactor build, so that the client's class path names this tree's jars, not ones installed in ~/.m2.
    # File parameters are relative to each module: the client's land in pool-client/client/target.
    (cd "$root" && mvn -q -B ${ADOPTION_MVN_ARGS--o} -DskipTests -pl pool-client/cli -am package \
        "$dependency_plugin:list" "$dependency_plugin:build-classpath" \
        -DincludeScope=runtime -DoutputFile=target/adoption-dependencies.txt -Dsort=true \
        -Dmdep.outputFile=target/adoption-classpath.txt) >"$out/build.log" 2>&1 ||
        { tail -n 40 "$out/build.log" >&2; die "the build failed: see $out/build.log"; }
fi
[ -f "$client_dir/target/adoption-classpath.txt" ] || die "no $client_dir/target/adoption-classpath.txt: run without ADOPTION_SKIP_BUILD"
client_jar="$(ls "$client_dir"/target/tierpool-client-*.jar | grep -v -e sources -e javadoc | head -n 1)"
# The client's optional dependencies (JCuda, for the GPU tier) are listed for the module itself but never reach an
# application: leave them out of the list and of the class path.
optional_jars="$(grep -E '^\s+[^ ]+:[^ ]+:[^ ]+:[^ ]+.*\(optional\)' "$client_dir/target/adoption-dependencies.txt" |
    sed -e 's/^ *//' -e 's/ .*//' | awk -F: '{ print $2 "-" (NF == 5 ? $4 : $5) }' || true)"
classpath="$client_jar"
IFS=':' read -r -a all_entries <<< "$(cat "$client_dir/target/adoption-classpath.txt")"
for jar in "${all_entries[@]}"; do
    skip=0
    for prefix in $optional_jars; do
        case "$(basename "$jar")" in "$prefix"*) skip=1 ;; esac
    done
    [ "$skip" = 1 ] || classpath+=":$jar"
done

grep -E '^\s+[^ ]+:[^ ]+:[^ ]+:[^ ]+' "$client_dir/target/adoption-dependencies.txt" | grep -v '(optional)' |
    sed -e 's/^ *//' -e 's/ -- .*//' > "$out/dependencies.txt"
dependency_count="$(wc -l < "$out/dependencies.txt")"
ignite_count="$(grep -c '^org\.apache\.ignite:' "$out/dependencies.txt" || true)"

total=0
: > "$out/jars.txt"
IFS=':' read -r -a entries <<< "$classpath"
for jar in "${entries[@]}"; do
    [ -f "$jar" ] || continue
    size="$(stat -c %s "$jar")"
    total=$((total + size))
    printf '%12d  %s\n' "$size" "$(basename "$jar")" >> "$out/jars.txt"
done
sort -rn -o "$out/jars.txt" "$out/jars.txt"
jar_count="$(wc -l < "$out/jars.txt")"
runnable="$root/pool-client/cli/target/tierpool.jar"
runnable_size="$( [ -f "$runnable" ] && stat -c %s "$runnable" || echo 0)"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# --- 3, 4: two nodes, first open, reclaim after kill -9 -------------------------------------------------------------
jvm_options=("@$client_options")
if grep -q '/ignite-core-' <<< "$classpath"; then
    say "the client's class path holds Ignite: its JVMs get the node daemon's JVM options too"
    jvm_options+=("@$node_options")
fi
discovery="127.0.0.1:$((discovery_base + 1))..$((discovery_base + 2))"
endpoints="127.0.0.1:$((data_base + 1)),127.0.0.1:$((data_base + 2))"
# Compiled once, so that the JVMs measured start as an application's would (no source launcher in the times).
mkdir -p "$out/probe-classes"
javac -d "$out/probe-classes" -cp "$classpath" "$probe" 2>"$out/javac.log" ||
    { cat "$out/javac.log" >&2; die "bench/adoption/AdoptionProbe.java does not compile against the client"; }
# The probes authenticate with the cluster secret local-cluster.sh makes at `up` (data-path security on).
java_cmd=(env TIERPOOL_SECRET_FILE="$state/secret" java -Xms64m -Xmx256m "${jvm_options[@]}" -Djava.io.tmpdir="$out/work" -Dtierpool.transport.base.dir="$shm_dir"
    -cp "$out/probe-classes:$classpath" AdoptionProbe)

say "starting two node daemons (deploy/local-cluster.sh up 2)..."
cluster up 2 >"$out/up.log" 2>&1 || { tail -n 40 "$out/up.log" >&2; die "local-cluster.sh up 2 failed: see $out/up.log"; }

remote_blocks() {
    local sum=0 value i
    for i in 1 2; do
        value="$(curl -sf "http://127.0.0.1:$((metrics_base + i))/metrics" |
            awk '/^tierpool_remote_blocks[ {]/ { s += $NF } END { printf "%d", s }')" || value=-1
        [ "$value" -ge 0 ] || { echo -1; return; }
        sum=$((sum + value))
    done
    echo "$sum"
}

: > "$out/runs.txt"
open_ms=()
for run in $(seq 1 "$runs"); do
    line="$("${java_cmd[@]}" open "$discovery" "$endpoints" "$probe_port" "$out/work" 2>"$out/open-$run.log" |
        grep '^ADOPTION-OPEN ' || true)"
    [ -n "$line" ] || { tail -n 30 "$out/open-$run.log" >&2; die "open run $run printed no result: see $out/open-$run.log"; }
    grep -q 'equal=true' <<< "$line" || die "open run $run read back other bytes: $line"
    echo "open $run $line" >> "$out/runs.txt"
    open_ms+=("$(sed -e 's/.*openMs=\([0-9]*\).*/\1/' <<< "$line")")
    say "open run $run: $line"
done

reclaim_ms=()
for run in $(seq 1 "$runs"); do
    [ "$(remote_blocks)" = "0" ] || die "the nodes hold remote blocks before reclaim run $run: $(remote_blocks)"
    "${java_cmd[@]}" hold "$discovery" "$endpoints" "$probe_port" "$out/work" "$blocks" \
        >"$out/hold-$run.out" 2>"$out/hold-$run.log" &
    holder_pid=$!
    deadline=$((SECONDS + 120))
    until grep -qs '^ADOPTION-HOLD ' "$out/hold-$run.out"; do
        kill -0 "$holder_pid" 2>/dev/null || die "the holding client exited: see $out/hold-$run.log"
        [ "$SECONDS" -lt "$deadline" ] || die "the holding client was not ready in 120 s: see $out/hold-$run.log"
        sleep 0.2
    done
    held="$(remote_blocks)"
    [ "$held" -gt 0 ] || die "the holding client placed no block on the nodes (run $run)"
    kill -9 "$holder_pid"
    killed_ns="$(date +%s%N)"
    wait "$holder_pid" 2>/dev/null || true
    holder_pid=""
    deadline=$((SECONDS + 300))
    until [ "$(remote_blocks)" = "0" ]; do
        [ "$SECONDS" -lt "$deadline" ] || die "the nodes still hold the killed client's blocks after 300 s"
        sleep 0.1
    done
    ms=$((($(date +%s%N) - killed_ns) / 1000000))
    reclaim_ms+=("$ms")
    echo "reclaim $run heldCopies=$held reclaimMs=$ms" >> "$out/runs.txt"
    say "reclaim run $run: $held far block copies gone $ms ms after kill -9"
done

# --- summary -------------------------------------------------------------------------------------------------------
join() { local IFS=','; sed 's/,/, /g' <<< "$*"; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
minmax() { printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd '-' | sed 's/-/–/'; }
{
    echo "measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores (load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)), $(java -version 2>&1 | head -n 1), commit $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo
    echo "| what | measured |"
    echo "|---|---|"
    echo "| runtime dependencies of tierpool-client (compile + runtime scope) | $dependency_count ($ignite_count of them org.apache.ignite) |"
    echo "| jars an application gets: tierpool-client and its runtime class path | $jar_count jars, $(mib "$total") |"
    echo "| runnable client jar pool-client/cli/target/tierpool.jar | $(mib "$runnable_size") |"
    echo "| first TierPool.open, 2 nodes up (ms, $runs runs) | median $(median "${open_ms[@]}"), min–max $(minmax "${open_ms[@]}") (runs: $(join "${open_ms[@]}")) |"
    echo "| kill -9 of a client holding far blocks → both nodes' tierpool_remote_blocks 0 (ms, $runs runs) | median $(median "${reclaim_ms[@]}"), min–max $(minmax "${reclaim_ms[@]}") (runs: $(join "${reclaim_ms[@]}")) |"
    echo
    echo "Dependencies:"
    echo
    sed 's/^/    /' "$out/dependencies.txt"
    echo
    echo "Jars (bytes):"
    echo
    sed 's/^/    /' "$out/jars.txt"
} > "$out/summary.md"
cat "$out/summary.md"
say "results in $out"
