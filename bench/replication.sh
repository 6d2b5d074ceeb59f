#!/usr/bin/env bash
# Replication full sync: real redis-server 7.0 and Vermilion side by side, in one run. Each master
# (loaded from the same RDB file written by redis-server) gets a fresh replica of its own kind
# (REPLICAOF), first with repl-diskless-sync yes (delay 0), then no; a redis-benchmark writer
# (4 clients, SET over the same keys) runs throughout, so the sync has writes to buffer.
#   bench/replication.sh [keys] [writer-clients]     (defaults 1000000 and 4; 0: no writer)
# Figures: time from REPLICAOF to master_link_status:up on the replica; the master's extra memory
# during the sync as the peak of its summed PSS (/proc/<pid>/smaps_rollup, with its children:
# Redis forks, PSS counts shared pages once) over the level just before, as a % of the dataset
# (PSS loaded minus PSS empty). Ratios are Vermilion / Redis (below 1: Vermilion faster/smaller).
set -euo pipefail
N=${1:-1000000}
W=${2:-4}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/vermilion-bench-repl.XXXXXX)"
PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
[ -f "$ROOT/target/vermilion.jar" ] || (cd "$ROOT" && mvn -q -DskipTests package)

machine() {
    echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    java -version 2>&1 | head -1
    redis-server --version | cut -d' ' -f1-3
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# start <redis|vermilion> <port> <dir> [directives...]: starts a server and waits for PONG; sets PID.
start() {
    local kind=$1 port=$2 dir=$3; shift 3
    if [ "$kind" = redis ]; then
        redis-server --port "$port" --bind 127.0.0.1 --save "" --dir "$dir" "$@" >"$dir/server.log" 2>&1 &
    else
        "$ROOT/bin/vermilion-server" --port "$port" --bind 127.0.0.1 --save "" --dir "$dir" "$@" >"$dir/server.log" 2>&1 &
    fi
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 3000); do
        [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
        kill -0 "$pid" 2>/dev/null || { echo "$kind died:" >&2; cat "$dir/server.log" >&2; exit 1; }
        sleep 0.01
    done
    PID=$pid
}

stop() { kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
pss_kb() {
    local total=0 p
    for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)))
    done
    echo "$total"
}
info() { redis-cli -p "$1" info replication | tr -d '\r' | awk -F: -v k="$2" '$1 == k {print $2}'; }

echo "# machine: $(machine | tr '\n' ';')"
echo "# keys: $N, writer clients during the sync: $W"

GEN="$WORK/gen"; mkdir -p "$GEN"
/usr/bin/python3 - "$N" >"$WORK/load.resp" <<'PY'
import sys
n = int(sys.argv[1]); out = sys.stdout.buffer
for i in range(n):
    k = b"key:%012d" % i; v = b"value-%010d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
start redis 16490 "$GEN"; GPID=$PID
redis-cli -p 16490 --pipe <"$WORK/load.resp" >/dev/null
redis-cli -p 16490 save >/dev/null
stop "$GPID"
echo "# RDB file: $(stat -c %s "$GEN/dump.rdb") bytes"

declare -A secs extra perc
MPORT=16491; RPORT=16492
printf "\n%-34s %14s %14s %8s\n" "full sync of $N keys" "redis" "vermilion" "ratio"
for mode in yes no; do
    for kind in redis vermilion; do
        d="$WORK/empty-$kind"; mkdir -p "$d"
        start $kind $MPORT "$d"; sleep 2; empty=$(pss_kb "$PID"); stop "$PID"
        m="$WORK/m-$kind-$mode"; r="$WORK/r-$kind-$mode"; mkdir -p "$m" "$r"
        cp "$GEN/dump.rdb" "$m/"
        start $kind $MPORT "$m" --repl-diskless-sync $mode --repl-diskless-sync-delay 0; mpid=$PID
        start $kind $RPORT "$r"; rpid=$PID
        [ "$(redis-cli -p $MPORT dbsize)" = "$N" ] || { echo "master has $(redis-cli -p $MPORT dbsize) keys" >&2; exit 1; }
        bpid=""
        if [ "$W" -gt 0 ]; then
            redis-benchmark -p $MPORT -t set -n 3000000 -c "$W" -d 16 -r "$N" -q >/dev/null 2>&1 &
            bpid=$!
        fi
        sleep 1
        before=$(pss_kb "$mpid"); peak=$before
        t0=$(date +%s%N)
        redis-cli -p $RPORT replicaof 127.0.0.1 $MPORT >/dev/null
        while [ "$(info $RPORT master_link_status)" != up ]; do
            p=$(pss_kb "$mpid"); [ "$p" -gt "$peak" ] && peak=$p
            sleep 0.02
        done
        t1=$(date +%s%N)
        if [ -n "$bpid" ]; then kill "$bpid" 2>/dev/null || true; wait "$bpid" 2>/dev/null || true; fi
        loaded=$((before - empty))
        secs[$kind]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
        extra[$kind]=$(( (peak - before) / 1024 ))
        perc[$kind]=$(awk -v e="$((peak - before))" -v l="$loaded" 'BEGIN { printf "%.1f", (l > 0 ? e * 100 / l : 0) }')
        echo "#   $kind diskless=$mode: dataset $((loaded / 1024)) MiB, master PSS before $((before / 1024)) MiB, peak $((peak / 1024)) MiB" >&2
        stop "$rpid"; stop "$mpid"
    done
    printf "%-34s %13ss %13ss %8s\n" "diskless $mode: time to link up" "${secs[redis]}" "${secs[vermilion]}" "$(ratio "${secs[vermilion]}" "${secs[redis]}")"
    printf "%-34s %11s MiB %10s MiB %8s\n" "diskless $mode: master extra memory" "${extra[redis]}" "${extra[vermilion]}" "$(ratio "${extra[vermilion]}" "${extra[redis]}")"
    printf "%-34s %13s%% %13s%%\n" "diskless $mode: extra / dataset" "${perc[redis]}" "${perc[vermilion]}"
done
