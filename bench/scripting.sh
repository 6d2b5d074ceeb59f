#!/usr/bin/env bash
# Scripting throughput of Vermilion vs real redis-server 7.0, side by side in one run (issue 11,
# point 9): EVALSHA of a 3-command script (INCR, SET, GET on two keys of one slot), the same as
# EVAL (script cache lookup by body) and as FCALL, plus a read-only 1-command script; 50
# clients, random keys (-r), alternating order per round, median of the rounds, ratio
# Vermilion/Redis.
#   bench/scripting.sh [rounds] [requests]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${1:-3}
N=${2:-100000}
start_servers
BODY="redis.call('incr', KEYS[1]) redis.call('set', KEYS[2], ARGV[1]) return redis.call('get', KEYS[2])"
RO="return redis.call('get', KEYS[1])"
LIB="#!lua name=bench
redis.register_function('three', function(keys, args) redis.call('incr', keys[1]) redis.call('set', keys[2], args[1]) return redis.call('get', keys[2]) end)"
for p in "$REDIS_PORT" "$VERM_PORT"; do
    SHA=$(redis-cli -p "$p" script load "$BODY")
    SHA_RO=$(redis-cli -p "$p" script load "$RO")
    redis-cli -p "$p" function load "$LIB" >/dev/null
    redis-cli -p "$p" set k:1 v >/dev/null
    # warm up the JIT (Redis gets the same calls)
    redis-benchmark -p "$p" -c 50 -n 200000 -r 100000 -q EVALSHA "$SHA" 2 '{k}__rand_int__' '{k}__rand_int__s' value >/dev/null
    redis-benchmark -p "$p" -c 50 -n 100000 -r 100000 -q FCALL three 2 '{k}__rand_int__' '{k}__rand_int__s' value >/dev/null
done
echo "# machine: $(machine | tr '\n' ';')"
printf "%-44s %3s %12s %12s %7s %9s %9s %7s\n" test P redis_rps verm_rps ratio r_p99 v_p99 p99x
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() { # name P args...
    local name=$1 P=$2; shift 2
    local rr=() vr=() r99=() v99=()
    for round in $(seq 1 "$ROUNDS"); do
        if (( round % 2 )); then order="$REDIS_PORT $VERM_PORT"; else order="$VERM_PORT $REDIS_PORT"; fi
        for p in $order; do
            line=$(redis-benchmark -p "$p" -c 50 -n "$N" -r 100000 -P "$P" --csv "$@" | tail -1 | tr -d '"')
            rps=$(echo "$line" | awk -F, '{print $(NF-6)}'); p99=$(echo "$line" | awk -F, '{print $(NF-1)}')
            if [ "$p" = "$REDIS_PORT" ]; then rr+=("$rps"); r99+=("$p99"); else vr+=("$rps"); v99+=("$p99"); fi
        done
    done
    R=$(printf "%s\n" "${rr[@]}" | median); V=$(printf "%s\n" "${vr[@]}" | median)
    R99=$(printf "%s\n" "${r99[@]}" | median); V99=$(printf "%s\n" "${v99[@]}" | median)
    awk -v t="$name" -v P="$P" -v R="$R" -v V="$V" -v c="$R99" -v d="$V99" 'BEGIN {
        printf "%-44s %3s %12.0f %12.0f %7.2f %9.3f %9.3f %7.2f\n", t, P, R, V, V/R, c, d, (c>0?d/c:0) }'
}
for P in 1 16; do
    run "EVALSHA 3-command script" "$P" EVALSHA "$SHA" 2 '{k}__rand_int__' '{k}__rand_int__s' value
    run "EVAL 3-command script (cached body)" "$P" EVAL "$BODY" 2 '{k}__rand_int__' '{k}__rand_int__s' value
    run "FCALL 3-command function" "$P" FCALL three 2 '{k}__rand_int__' '{k}__rand_int__s' value
    run "EVALSHA read-only GET script" "$P" EVALSHA "$SHA_RO" 1 k:1
    run "INCR (one plain command, for scale)" "$P" INCR '{k}__rand_int__'
done
