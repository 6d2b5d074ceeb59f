#!/usr/bin/env bash
# Throughput and latency of Vermilion vs real redis-server 7.0, side by side in one run.
# Each test runs against every server in turn (the order rotates every round) and the median
# of the rounds is kept, so machine noise hits all alike. Prints ratios Vermilion/Redis.
#   bench/throughput.sh [rounds] [requests]
# A/B mode: with VERM_JAR_B set, a second Vermilion node runs from that jar (A is the usual
# target/vermilion.jar, or VERM_JAR_A) beside the first, on port VERM_PORT+1, and each row
# also shows B/Redis and B/A, measured in the same interleaved rounds:
#   VERM_JAR_B=/tmp/new.jar bench/throughput.sh 4 200000
# VERMILION_JAVA_OPTS_B gives B other JVM flags (A uses VERMILION_JAVA_OPTS / the launcher's),
# VERM_ARGS_B other server directives, e.g. the I/O threads against the same jar:
#   VERM_JAR_B=target/vermilion.jar VERM_ARGS_B="--io-threads 2" bench/throughput.sh 4 200000
# REDIS_ARGS adds directives to redis-server (e.g. "--io-threads 2 --io-threads-do-reads yes").
# TESTS (default "ping_mbulk set get incr mset") and PIPELINES (default "1 16") narrow the run.
# The A/B table also gives each server's CPU time per request (user+system of the whole process,
# from /proc, JIT and GC threads included) and its ratios: on a machine shared with other work
# the throughput moves with the load, the CPU cost of a request much less. eX/Y = CPU per
# request of Y / that of X: like the throughput ratios, above 1.0 means X is cheaper.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${1:-3}
N=${2:-200000}
TESTS=${TESTS:-ping_mbulk set get incr mset}
PIPELINES=${PIPELINES:-1 16}
[ -n "${VERM_JAR_A:-}" ] && export VERMILION_JAR="$VERM_JAR_A"
start_servers
PORTS=("$REDIS_PORT" "$VERM_PORT")
if [ -n "${VERM_JAR_B:-}" ]; then
    VERM_PORT_B=$((VERM_PORT + 1))
    VERMILION_JAR="$VERM_JAR_B" VERMILION_JAVA_OPTS="${VERMILION_JAVA_OPTS_B:-${VERMILION_JAVA_OPTS:-}}" \
        "$ROOT/bin/vermilion-server" --port "$VERM_PORT_B" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$WORK" ${VERM_ARGS_B:-} >"$WORK/vermilion-b.log" 2>&1 &
    VERM_PID_B=$!
    for _ in $(seq 1 100); do redis-cli -p "$VERM_PORT_B" ping >/dev/null 2>&1 && break; sleep 0.1; done
    trap 'kill "$VERM_PID_B" 2>/dev/null || true; stop_servers' EXIT
    PORTS+=("$VERM_PORT_B")
fi
declare -A PID_OF=([$REDIS_PORT]=$REDIS_PID [$VERM_PORT]=$VERM_PID)
[ -n "${VERM_PID_B:-}" ] && PID_OF[$VERM_PORT_B]=$VERM_PID_B
TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# warm up the JIT before measuring (Redis needs none, but gets the same calls)
for p in "${PORTS[@]}"; do
    redis-benchmark -p "$p" -c 50 -n 300000 -t set,get,incr,mset -P 16 -q >/dev/null
    redis-benchmark -p "$p" -c 50 -n 100000 -t set,get -q >/dev/null
done
echo "# machine: $(machine | tr '\n' ';')"
if [ ${#PORTS[@]} -eq 3 ]; then
    echo "# A: ${VERMILION_JAR:-target/vermilion.jar}; B: $VERM_JAR_B${VERMILION_JAVA_OPTS_B:+ (JVM: $VERMILION_JAVA_OPTS_B)}${VERM_ARGS_B:+ (args: $VERM_ARGS_B)}${REDIS_ARGS:+; redis: $REDIS_ARGS}"
    printf "%-12s %3s %10s %10s %10s %6s %6s %6s %7s %7s %7s %6s %6s %6s\n" test P redis_rps A_rps B_rps A/R B/R B/A \
        r_us A_us B_us eA/R eB/R eB/A
else
    printf "%-16s %3s %12s %12s %7s %9s %9s %7s %9s %9s %7s\n" test P redis_rps verm_rps ratio r_p50 v_p50 p50x r_p99 v_p99 p99x
fi
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for P in $PIPELINES; do
    for t in $TESTS; do
        declare -A rps=() p50=() p99=() cpu=()
        for round in $(seq 1 "$ROUNDS"); do
            # rotate the order: every server goes first, middle and last equally often
            k=$(( (round - 1) % ${#PORTS[@]} ))
            order=("${PORTS[@]:k}" "${PORTS[@]:0:k}")
            (( round % 2 == 0 )) && order=($(printf "%s\n" "${order[@]}" | tac))
            for p in "${order[@]}"; do
                n=$N; [ "$P" = 16 ] && n=$((N * 5))
                c0=$(cpu_ticks "${PID_OF[$p]}")
                line=$(redis-benchmark -p "$p" -c 50 -n "$n" -P "$P" -t "$t" --csv | tail -1 | tr -d '"')
                c1=$(cpu_ticks "${PID_OF[$p]}")
                cpu[$p]+="$(awk -v a="$c0" -v b="$c1" -v n="$n" -v t="$TCK" 'BEGIN {printf "%.4f", (b - a) * 1e6 / t / n}') "
                rps[$p]+="$(echo "$line" | cut -d, -f2) "
                p50[$p]+="$(echo "$line" | cut -d, -f5) "
                p99[$p]+="$(echo "$line" | cut -d, -f7) "
            done
        done
        med() { printf "%s\n" $1 | median; }
        R=$(med "${rps[$REDIS_PORT]}"); V=$(med "${rps[$VERM_PORT]}")
        R50=$(med "${p50[$REDIS_PORT]}"); V50=$(med "${p50[$VERM_PORT]}")
        R99=$(med "${p99[$REDIS_PORT]}"); V99=$(med "${p99[$VERM_PORT]}")
        if [ ${#PORTS[@]} -eq 3 ]; then
            B=$(med "${rps[$VERM_PORT_B]}")
            RC=$(med "${cpu[$REDIS_PORT]}"); VC=$(med "${cpu[$VERM_PORT]}"); BC=$(med "${cpu[$VERM_PORT_B]}")
            awk -v t="$t" -v P="$P" -v R="$R" -v V="$V" -v B="$B" -v a="$RC" -v b="$VC" -v c="$BC" 'BEGIN {
                printf "%-12s %3s %10.0f %10.0f %10.0f %6.2f %6.2f %6.2f %7.3f %7.3f %7.3f %6.2f %6.2f %6.2f\n", t, P, R, V, B, V/R, B/R, B/V, a, b, c, a/b, a/c, b/c }'
        else
            awk -v t="$t" -v P="$P" -v R="$R" -v V="$V" -v a="$R50" -v b="$V50" -v c="$R99" -v d="$V99" 'BEGIN {
                printf "%-16s %3s %12.0f %12.0f %7.2f %9.3f %9.3f %7.2f %9.3f %9.3f %7.2f\n", t, P, R, V, V/R, a, b, (a>0?b/a:0), c, d, (c>0?d/c:0) }'
        fi
        unset rps p50 p99 cpu
    done
done
