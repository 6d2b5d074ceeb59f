#!/usr/bin/env bash
# Throughput and latency of Vermilion vs real redis-server 7.0, side by side in one run.
# Each test runs against both servers alternately (the order flips every round) and the median
# of the rounds is kept, so machine noise hits both alike. Prints ratios Vermilion/Redis.
#   bench/throughput.sh [rounds] [requests]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${1:-3}
N=${2:-200000}
start_servers
# warm up the JIT before measuring (Redis needs none, but gets the same calls)
for p in "$REDIS_PORT" "$VERM_PORT"; do
    redis-benchmark -p "$p" -c 50 -n 300000 -t set,get,incr,mset -P 16 -q >/dev/null
    redis-benchmark -p "$p" -c 50 -n 100000 -t set,get -q >/dev/null
done
echo "# machine: $(machine | tr '\n' ';')"
printf "%-16s %3s %12s %12s %7s %9s %9s %7s %9s %9s %7s\n" test P redis_rps verm_rps ratio r_p50 v_p50 p50x r_p99 v_p99 p99x
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for P in 1 16; do
    for t in ping_mbulk set get incr mset; do
        rr=(); vr=(); r50=(); v50=(); r99=(); v99=()
        for round in $(seq 1 "$ROUNDS"); do
            if (( round % 2 )); then order="$REDIS_PORT $VERM_PORT"; else order="$VERM_PORT $REDIS_PORT"; fi
            for p in $order; do
                n=$N; [ "$P" = 16 ] && n=$((N * 5))
                line=$(redis-benchmark -p "$p" -c 50 -n "$n" -P "$P" -t "$t" --csv | tail -1 | tr -d '"')
                rps=$(echo "$line" | cut -d, -f2); p50=$(echo "$line" | cut -d, -f5); p99=$(echo "$line" | cut -d, -f7)
                if [ "$p" = "$REDIS_PORT" ]; then rr+=("$rps"); r50+=("$p50"); r99+=("$p99");
                else vr+=("$rps"); v50+=("$p50"); v99+=("$p99"); fi
            done
        done
        R=$(printf "%s\n" "${rr[@]}" | median); V=$(printf "%s\n" "${vr[@]}" | median)
        R50=$(printf "%s\n" "${r50[@]}" | median); V50=$(printf "%s\n" "${v50[@]}" | median)
        R99=$(printf "%s\n" "${r99[@]}" | median); V99=$(printf "%s\n" "${v99[@]}" | median)
        awk -v t="$t" -v P="$P" -v R="$R" -v V="$V" -v a="$R50" -v b="$V50" -v c="$R99" -v d="$V99" 'BEGIN {
            printf "%-16s %3s %12.0f %12.0f %7.2f %9.3f %9.3f %7.2f %9.3f %9.3f %7.2f\n", t, P, R, V, V/R, a, b, (a>0?b/a:0), c, d, (c>0?d/c:0) }'
    done
done
