#!/usr/bin/env bash
# Bitmap and HyperLogLog throughput of Vermilion vs real redis-server 7.0, side by side in one run
# (same method as throughput.sh: alternating order per round, median of the rounds, ratios
# Vermilion/Redis). Commands are sent with redis-benchmark's custom-command mode; __rand_int__
# is a random number below -r, always written with 12 digits: leading zeros make it an invalid
# bit offset (Redis's string2ll), so offsets are fixed and the randomness goes into key names.
#   bench/bits.sh [rounds] [requests]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${1:-3}
N=${2:-200000}
start_servers
# Data the read tests work on: a 1 Mbit bitmap (128 KB), a dense HLL and a sparse one.
for p in "$REDIS_PORT" "$VERM_PORT"; do
    for i in $(seq 1 2000); do echo "SETBIT bm $(( (i * 7919) % 1048576 )) 1"; done | redis-cli -p "$p" >/dev/null
    redis-cli -p "$p" setbit bm 1048575 1 >/dev/null
    redis-benchmark -p "$p" -c 50 -n 200000 -r 100000000 -P 16 -q PFADD dense __rand_int__ >/dev/null
    redis-benchmark -p "$p" -c 1 -n 100 -r 100000000 -q PFADD sparse __rand_int__ >/dev/null
    # warm up the JIT on every command measured below (Redis gets the same calls)
    for cmd in "GETBIT bm 524288" "BITCOUNT bm" "PFCOUNT dense sparse" "BITFIELD bf:__rand_int__ INCRBY u8 100 1"; do
        redis-benchmark -p "$p" -c 50 -n 100000 -r 100000 -P 16 -q $cmd >/dev/null
    done
done
echo "# machine: $(machine | tr '\n' ';')"
printf "%-40s %3s %12s %12s %7s %9s %9s %7s\n" test P redis_rps verm_rps ratio r_p99 v_p99 p99x
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
TESTS=(
    "SETBIT b:__rand_int__ 1000 1|100000|1"
    "SETBIT bm 524288 1|1|1"
    "GETBIT bm 524288|1|1"
    "BITCOUNT bm|1|0.1"
    "BITCOUNT bm 1000 50000|1|0.5"
    "BITPOS bm 0|1|1"
    "BITFIELD bf:__rand_int__ INCRBY u8 100 1|100000|1"
    "PFADD hll __rand_int__|100000000|1"
    "PFADD sp:__rand_int__ a b c|100000|1"
    "PFCOUNT dense|1|1"
    "PFCOUNT dense sparse|1|0.2"
)
for P in 1 16; do
    for spec in "${TESTS[@]}"; do
        IFS='|' read -r cmd range scale <<<"$spec"
        rr=(); vr=(); r99=(); v99=()
        for round in $(seq 1 "$ROUNDS"); do
            if (( round % 2 )); then order="$REDIS_PORT $VERM_PORT"; else order="$VERM_PORT $REDIS_PORT"; fi
            for p in $order; do
                n=$(awk -v n="$N" -v s="$scale" -v P="$P" 'BEGIN {printf "%d", n * s * (P == 16 ? 5 : 1)}')
                # shellcheck disable=SC2086
                line=$(redis-benchmark -p "$p" -c 50 -n "$n" -r "$range" -P "$P" --csv $cmd | tail -1 | tr -d '"')
                rps=$(echo "$line" | cut -d, -f2); p99=$(echo "$line" | cut -d, -f7)
                if [ "$p" = "$REDIS_PORT" ]; then rr+=("$rps"); r99+=("$p99"); else vr+=("$rps"); v99+=("$p99"); fi
            done
        done
        R=$(printf "%s\n" "${rr[@]}" | median); V=$(printf "%s\n" "${vr[@]}" | median)
        R99=$(printf "%s\n" "${r99[@]}" | median); V99=$(printf "%s\n" "${v99[@]}" | median)
        awk -v t="$cmd" -v P="$P" -v R="$R" -v V="$V" -v c="$R99" -v d="$V99" 'BEGIN {
            printf "%-40s %3s %12.0f %12.0f %7.2f %9.3f %9.3f %7.2f\n", t, P, R, V, V/R, c, d, (c>0?d/c:0) }'
    done
done
