#!/usr/bin/env bash
# Persistence benchmarks: real redis-server 7.0 and Vermilion side by side, in one run, on the same
# files. Ratios are Vermilion / Redis (for times: below 1 means Vermilion is faster; for
# throughput: above 1 means Vermilion is faster).
#   bench/persistence.sh [keys]            (default 1000000; ROUNDS=3 rounds of steps 1 and 2)
# 1. load time of an RDB file and of a RESP AOF (manifest + base of SET commands) with N keys,
#    both written by redis-server: the "DB loaded ..." seconds each server logs, and the time from
#    process start to the first PONG (median of ROUNDS loads, the two servers alternating);
# 2. write throughput (redis-benchmark SET, 50 clients, 16-byte values) with appendonly yes and
#    appendfsync everysec, then always (both servers up at once, warmed up, then ROUNDS runs
#    alternating between them; the median);
# 3. BGSAVE of the N keys while redis-benchmark overwrites them (4 clients): the time until
#    rdb_bgsave_in_progress is 0 again, and the extra memory it takes, as the peak of the summed
#    PSS (/proc/<pid>/smaps_rollup) of the server and its children (Redis forks; PSS counts the
#    pages parent and child share once) over the level before BGSAVE, as a % of the dataset
#    (PSS of the loaded server minus PSS of an empty one).
set -euo pipefail
N=${1:-1000000}
ROUNDS=${ROUNDS:-3}
REDIS_PORT=${REDIS_PORT:-16379}
VERM_PORT=${VERM_PORT:-16380}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/vermilion-bench-persist.XXXXXX)"
PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
[ -f "$ROOT/target/vermilion.jar" ] || (cd "$ROOT" && mvn -q -DskipTests package)

machine() {
    echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    java -version 2>&1 | head -1
    redis-server --version | cut -d' ' -f1-3
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# start <redis|vermilion> <port> <dir> [directives...]: starts a server, waits for PONG (not
# -LOADING); sets PID and MS (milliseconds from start to PONG).
start() {
    local kind=$1 port=$2 dir=$3; shift 3
    local t0; t0=$(date +%s%N)
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
    MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

stop() { kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

pss_kb() { # summed PSS of a pid and its direct children
    local total=0 p
    for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)))
    done
    echo "$total"
}

echo "# machine: $(machine | tr '\n' ';')"
echo "# keys: $N"

# ---------------------------------------------------------------- the data, written by redis-server
GEN="$WORK/gen"; mkdir -p "$GEN"
/usr/bin/python3 - "$N" >"$WORK/load.resp" <<'PY'
import sys
n = int(sys.argv[1]); out = sys.stdout.buffer
for i in range(n):
    # the key format of redis-benchmark's key:__rand_int__, so that its SETs overwrite these keys
    k = b"key:%012d" % i; v = b"value-%010d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
start redis 16390 "$GEN" --appendonly yes --aof-use-rdb-preamble no; GPID=$PID
redis-cli -p 16390 --pipe <"$WORK/load.resp" >/dev/null
redis-cli -p 16390 save >/dev/null
redis-cli -p 16390 bgrewriteaof >/dev/null
until redis-cli -p 16390 info persistence | tr -d '\r' | grep -q '^aof_rewrite_in_progress:0'; do sleep 0.1; done
sleep 0.5
redis-cli -p 16390 shutdown nosave >/dev/null 2>&1 || true
wait "$GPID" 2>/dev/null || true
echo "# RDB file: $(stat -c %s "$GEN/dump.rdb") bytes; AOF: $(du -sb "$GEN/appendonlydir" | cut -f1) bytes"

# ---------------------------------------------------------------- 1. load times
# ROUNDS loads of each file by each server, alternating (Redis first in odd rounds, Vermilion
# first in even ones); the median of each column is printed.
echo
printf "%-22s %14s %14s %8s\n" "load" "redis" "vermilion" "ratio"
declare -A logged wall rps bgms dataset extra perc
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }  # as the other bench scripts
order() { if (( $1 % 2 )); then echo redis vermilion; else echo vermilion redis; fi; }
for what in rdb aof; do
    logged=([redis]="" [vermilion]=""); wall=([redis]="" [vermilion]="")
    for round in $(seq 1 "$ROUNDS"); do
        for kind in $(order "$round"); do
            d="$WORK/load-$what-$kind-$round"; mkdir -p "$d"
            if [ $what = rdb ]; then cp "$GEN/dump.rdb" "$d/"; args=(--appendonly no); pattern='DB loaded from disk: '
            else cp -r "$GEN/appendonlydir" "$d/"; args=(--appendonly yes); pattern='DB loaded from append only file: '; fi
            port=$REDIS_PORT; [ $kind = vermilion ] && port=$VERM_PORT
            start $kind $port "$d" "${args[@]}"; pid=$PID; ms=$MS
            keys=$(redis-cli -p $port dbsize)
            [ "$keys" = "$N" ] || { echo "$kind loaded $keys keys from the $what, expected $N" >&2; exit 1; }
            logged[$kind]+=" $(grep -o "$pattern[0-9.]*" "$d/server.log" | awk '{print $NF}')"
            wall[$kind]+=" $(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
            stop "$pid"
            rm -rf "$d"
        done
    done
    for kind in redis vermilion; do
        echo "# $what $kind: logged${logged[$kind]}; start to PONG${wall[$kind]}"
        logged[$kind]=$(echo "${logged[$kind]}" | median); wall[$kind]=$(echo "${wall[$kind]}" | median)
    done
    printf "%-22s %12ss %12ss %8s\n" "$what: logged load" "${logged[redis]}" "${logged[vermilion]}" "$(ratio "${logged[vermilion]}" "${logged[redis]}")"
    printf "%-22s %12ss %12ss %8s\n" "$what: start to PONG" "${wall[redis]}" "${wall[vermilion]}" "$(ratio "${wall[vermilion]}" "${wall[redis]}")"
done

# ---------------------------------------------------------------- 2. write throughput with AOF
# Both servers run at once (each on its own AOF); after a warm-up (300,000 SETs: the JIT must be
# done before the measured runs), ROUNDS measured runs alternate between them as above, and the
# median is printed.
echo
printf "%-22s %14s %14s %8s\n" "SET throughput (rps)" "redis" "vermilion" "ratio"
for fsync in everysec always; do
    declare -A tpid=()
    for kind in redis vermilion; do
        d="$WORK/tput-$fsync-$kind"; mkdir -p "$d"
        port=$REDIS_PORT; [ $kind = vermilion ] && port=$VERM_PORT
        start $kind $port "$d" --appendonly yes --appendfsync $fsync; tpid[$kind]=$PID
        redis-benchmark -p $port -t set -n 300000 -c 50 -d 16 -r 100000 -q >/dev/null 2>&1
    done
    n=200000; [ $fsync = always ] && n=100000
    rps=([redis]="" [vermilion]="")
    for round in $(seq 1 "$ROUNDS"); do
        for kind in $(order "$round"); do
            port=$REDIS_PORT; [ $kind = vermilion ] && port=$VERM_PORT
            rps[$kind]+=" $(redis-benchmark -p $port -t set -n $n -c 50 -d 16 -r 100000 --csv 2>/dev/null \
                | awk -F'","' '/"SET"/ {print $2}' | tr -d '"')"
        done
    done
    for kind in redis vermilion; do
        echo "# $fsync $kind:${rps[$kind]}"
        rps[$kind]=$(echo "${rps[$kind]}" | median)
        stop "${tpid[$kind]}"
    done
    printf "%-22s %14s %14s %8s\n" "appendfsync $fsync" "${rps[redis]}" "${rps[vermilion]}" "$(ratio "${rps[vermilion]}" "${rps[redis]}")"
done

# ---------------------------------------------------------------- 3. BGSAVE under a writer
echo
printf "%-30s %14s %14s %8s\n" "BGSAVE while writing" "redis" "vermilion" "ratio"
for kind in redis vermilion; do
    port=$REDIS_PORT; [ $kind = vermilion ] && port=$VERM_PORT
    d="$WORK/empty-$kind"; mkdir -p "$d"
    start $kind $port "$d"; pid=$PID
    sleep 2; empty=$(pss_kb "$pid"); stop "$pid"
    d="$WORK/bgsave-$kind"; mkdir -p "$d"; cp "$GEN/dump.rdb" "$d/"
    start $kind $port "$d"; pid=$PID
    sleep 3; loaded=$(pss_kb "$pid")
    dataset[$kind]=$((loaded - empty))
    redis-benchmark -p $port -t set -n 100000000 -c 4 -d 16 -r "$N" -q >/dev/null 2>&1 &
    WPID=$!; PIDS+=("$WPID")
    sleep 3
    base=0; for _ in $(seq 1 20); do v=$(pss_kb "$pid"); [ "$v" -gt "$base" ] && base=$v; sleep 0.05; done
    t0=$(date +%s%N)
    redis-cli -p $port bgsave >/dev/null
    peak=$base
    while true; do
        v=$(pss_kb "$pid"); [ "$v" -gt "$peak" ] && peak=$v
        redis-cli -p $port info persistence | tr -d '\r' | grep -q '^rdb_bgsave_in_progress:0' && break
        sleep 0.01
    done
    bgms[$kind]=$(( ($(date +%s%N) - t0) / 1000000 ))
    extra[$kind]=$((peak - base))
    perc[$kind]=$(awk -v e="${extra[$kind]}" -v d="${dataset[$kind]}" 'BEGIN { printf "%.1f", (d > 0 ? e * 100 / d : 0) }')
    kill "$WPID" 2>/dev/null || true; wait "$WPID" 2>/dev/null || true
    stop "$pid"
done
printf "%-30s %12sms %12sms %8s\n" "time" "${bgms[redis]}" "${bgms[vermilion]}" "$(ratio "${bgms[vermilion]}" "${bgms[redis]}")"
printf "%-30s %11sMB %11sMB %8s\n" "dataset (PSS loaded - empty)" "$((dataset[redis] / 1024))" "$((dataset[vermilion] / 1024))" \
    "$(ratio "${dataset[vermilion]}" "${dataset[redis]}")"
printf "%-30s %11sMB %11sMB %8s\n" "extra memory (peak PSS - before)" "$((extra[redis] / 1024))" "$((extra[vermilion] / 1024))" \
    "$(ratio "${extra[vermilion]}" "${extra[redis]}")"
printf "%-30s %13s%% %13s%% %8s\n" "extra memory / dataset" "${perc[redis]}" "${perc[vermilion]}" ""
