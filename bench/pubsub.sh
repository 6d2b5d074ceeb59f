#!/usr/bin/env bash
# PUBLISH fan-out of Vermilion vs real redis-server 7.0, side by side in one run (issue 11,
# point 9): S subscribers (redis-cli SUBSCRIBE, output to /dev/null) on each server, then
# redis-benchmark PUBLISHes to their channel with 50 clients; each test alternates the order of
# the servers per round, median of the rounds, ratio Vermilion/Redis. Every message is delivered
# S times, so delivered msg/s = rps * S. PUBSUB NUMSUB is checked after every run: a subscriber
# dropped (e.g. by client-output-buffer-limit pubsub) would make the figures meaningless.
#   bench/pubsub.sh [rounds] [requests] [subscribers]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${1:-3}
N=${2:-100000}
S=${3:-50}
start_servers
SUB_PIDS=()
cleanup() { kill "${SUB_PIDS[@]}" 2>/dev/null || true; stop_servers; }
trap cleanup EXIT
for p in "$REDIS_PORT" "$VERM_PORT"; do
    for _ in $(seq 1 "$S"); do
        redis-cli -p "$p" subscribe bench >/dev/null 2>&1 &
        SUB_PIDS+=($!)
    done
done
numsub() { redis-cli -p "$1" pubsub numsub bench | tail -1; }
for p in "$REDIS_PORT" "$VERM_PORT"; do
    for _ in $(seq 1 100); do [ "$(numsub "$p")" = "$S" ] && break; sleep 0.1; done
    [ "$(numsub "$p")" = "$S" ] || { echo "only $(numsub "$p") subscribers on port $p" >&2; exit 1; }
    # warm up the JIT (Redis gets the same calls)
    redis-benchmark -p "$p" -c 50 -n 100000 -q PUBLISH bench warmup-message >/dev/null
    redis-benchmark -p "$p" -c 50 -n 100000 -q PUBLISH nobody warmup-message >/dev/null
done
echo "# machine: $(machine | tr '\n' ';')"
echo "# $S subscribers per server, $N requests, 50 clients"
printf "%-36s %3s %12s %12s %7s %9s %9s %7s\n" test P redis_rps verm_rps ratio r_p99 v_p99 p99x
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
PAYLOAD=$(printf 'x%.0s' $(seq 1 32))
TESTS=(
    "PUBLISH bench $PAYLOAD|1"
    "PUBLISH nobody $PAYLOAD|1"
)
for P in 1 8; do
    for spec in "${TESTS[@]}"; do
        IFS='|' read -r cmd scale <<<"$spec"
        rr=(); vr=(); r99=(); v99=()
        for round in $(seq 1 "$ROUNDS"); do
            if (( round % 2 )); then order="$REDIS_PORT $VERM_PORT"; else order="$VERM_PORT $REDIS_PORT"; fi
            for p in $order; do
                # shellcheck disable=SC2086
                line=$(redis-benchmark -p "$p" -c 50 -n "$N" -P "$P" --csv $cmd | tail -1 | tr -d '"')
                rps=$(echo "$line" | awk -F, '{print $(NF-6)}'); p99=$(echo "$line" | awk -F, '{print $(NF-1)}')
                [ "$(numsub "$p")" = "$S" ] || { echo "subscribers dropped on port $p: $(numsub "$p")" >&2; exit 1; }
                if [ "$p" = "$REDIS_PORT" ]; then rr+=("$rps"); r99+=("$p99"); else vr+=("$rps"); v99+=("$p99"); fi
            done
        done
        R=$(printf "%s\n" "${rr[@]}" | median); V=$(printf "%s\n" "${vr[@]}" | median)
        R99=$(printf "%s\n" "${r99[@]}" | median); V99=$(printf "%s\n" "${v99[@]}" | median)
        name="${cmd/$PAYLOAD/<32 B>}"
        awk -v t="$name" -v P="$P" -v R="$R" -v V="$V" -v c="$R99" -v d="$V99" 'BEGIN {
            printf "%-36s %3s %12.0f %12.0f %7.2f %9.3f %9.3f %7.2f\n", t, P, R, V, V/R, c, d, (c>0?d/c:0) }'
    done
done
