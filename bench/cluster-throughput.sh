#!/usr/bin/env bash
# bench/cluster-throughput.sh [rounds] [requests]: throughput of a 3-master cluster of real
# redis-server 7.0 nodes and of a 3-master Vermilion cluster, side by side in one run, measured
# with redis-benchmark's own cluster mode (`--cluster`: it reads the slot map, opens its clients
# on every master and tags each key so that it goes to the node its client is connected to).
# Both clusters are formed by `redis-cli --cluster create`. Each test runs against the two
# clusters in turn (the order alternates every round) and the median of the rounds is kept.
# Prints requests per second and the ratio Vermilion / Redis (above 1.0: Vermilion faster).
#   TESTS (default "set get incr mset"), PIPELINES (default "1 16"), CLIENTS (default 50)
#   BENCH_PORT (default 21600): Redis nodes on BENCH_PORT+0..2, Vermilion on BENCH_PORT+10..12.
# On a 2-core machine six servers and the load generator share the cores: the figure says how
# the two implementations compare under the same squeeze, not what either does on its own box.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/common.sh"
ROUNDS=${1:-3}
N=${2:-200000}
TESTS=${TESTS:-set get incr mset}
PIPELINES=${PIPELINES:-1 16}
CLIENTS=${CLIENTS:-50}
BASE=${BENCH_PORT:-21600}
PIDS=()
[ -f "$ROOT/target/vermilion.jar" ] || (cd "$ROOT" && mvn -q -DskipTests package)

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

start_node() { # kind port
    local kind=$1 port=$2
    mkdir -p "$WORK/$port"
    local server=(redis-server)
    [ "$kind" = redis ] || server=("$ROOT/bin/vermilion-server")
    "${server[@]}" --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-node-timeout 5000 \
        --cluster-config-file "$WORK/$port/nodes.conf" --dir "$WORK/$port" --save "" --appendonly no \
        >"$WORK/$port/log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
    echo "node $port did not start; its log:" >&2
    cat "$WORK/$port/log" >&2
    exit 1
}

form() { # first-port
    local p=$1
    redis-cli --cluster create 127.0.0.1:$p 127.0.0.1:$((p + 1)) 127.0.0.1:$((p + 2)) --cluster-yes \
        >"$WORK/create-$p.log" 2>&1
    for _ in $(seq 1 300); do
        local ok=0
        for q in $p $((p + 1)) $((p + 2)); do
            redis-cli -p "$q" cluster info | grep -q "cluster_state:ok" && ok=$((ok + 1))
        done
        [ "$ok" -eq 3 ] && return
        sleep 0.1
    done
    echo "cluster at $p did not reach cluster_state:ok" >&2
    exit 1
}

R=$BASE
V=$((BASE + 10))
for i in 0 1 2; do start_node redis $((R + i)); start_node vermilion $((V + i)); done
form "$R"
form "$V"

# rps of one redis-benchmark run in cluster mode (its --csv line "SET","76335.88",... after the
# header and the cluster map it prints first)
bench() { # port test pipeline requests
    redis-benchmark -h 127.0.0.1 -p "$1" --cluster -c "$CLIENTS" -n "$4" -r 100000 -P "$3" -t "$2" --csv 2>/dev/null \
        | grep '^"' | grep -v '^"test"' | head -1 | cut -d'"' -f4
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# JIT warm-up for Vermilion; Redis gets the same calls
for p in "$R" "$V"; do
    for t in set get incr mset; do bench "$p" "$t" 16 300000 >/dev/null; done
done

echo "# machine: $(machine | tr '\n' ';')"
echo "# 3 masters each, redis-benchmark --cluster -c $CLIENTS -n $N -r 100000, median of $ROUNDS rounds"
printf "%-8s %3s %12s %12s %7s\n" test P redis_rps verm_rps ratio
for P in $PIPELINES; do
    for t in $TESTS; do
        r=() v=()
        for round in $(seq 1 "$ROUNDS"); do
            if (( round % 2 )); then
                r+=("$(bench "$R" "$t" "$P" "$N")"); v+=("$(bench "$V" "$t" "$P" "$N")")
            else
                v+=("$(bench "$V" "$t" "$P" "$N")"); r+=("$(bench "$R" "$t" "$P" "$N")")
            fi
        done
        rm_=$(printf "%s\n" "${r[@]}" | median)
        vm=$(printf "%s\n" "${v[@]}" | median)
        printf "%-8s %3s %12.0f %12.0f %7.2f\n" "$t" "$P" "$rm_" "$vm" "$(echo "$vm / $rm_" | bc -l)"
    done
done
