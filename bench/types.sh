#!/usr/bin/env bash
# Data-type throughput of Vermilion vs real redis-server 7.0, side by side in one run: redis-benchmark's
# type tests (LPUSH, LPOP, SADD, HSET, ZADD, LRANGE_100) plus custom command lines for what it lacks,
# 50 clients, without pipelining and with -P 16. Each test runs against both servers alternately (the
# order flips every round), the median of the rounds is kept and the ratio Vermilion/Redis printed.
# A test whose command Vermilion does not implement yet prints n/a.
#   bench/types.sh [rounds] [requests]
set -euo pipefail
set -f   # command lines hold "*" (XADD ... * ...): never glob them
# Own default ports, so that a run of the other bench scripts (16379/16380) can go on meanwhile.
REDIS_PORT=${REDIS_PORT:-16479}
VERM_PORT=${VERM_PORT:-16480}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${1:-3}
N=${2:-100000}
start_servers

# name | redis-benchmark arguments (a command line goes last: redis-benchmark takes everything after it
# as its arguments) | command that must exist on the server. __rand_int__ is 12 zero-padded digits,
# which SETBIT refuses as an offset: setbit uses a fixed one.
TESTS=(
  "lpush|-t lpush|lpush"
  "lpop|-t lpop|lpop"
  "sadd|-t sadd|sadd"
  "hset|-t hset|hset"
  "zadd|-t zadd|zadd"
  "lrange_100|-t lrange_100|lrange"
  "hget|HGET myhash element:__rand_int__|hget"
  "sismember|SISMEMBER myset element:__rand_int__|sismember"
  "zscore|ZSCORE myzset element:__rand_int__|zscore"
  "zrange_100|ZRANGE myzset 0 99 WITHSCORES|zrange"
  "xadd|XADD mystream * field __rand_int__|xadd"
  "pfadd|PFADD myhll element:__rand_int__|pfadd"
  "setbit|SETBIT mybits 77777 1|setbit"
)

has() { [ "$(redis-cli -p "$1" command info "$2" | head -1)" != "" ]; }

warm() {
  for p in "$REDIS_PORT" "$VERM_PORT"; do
    for t in "${TESTS[@]}"; do
      IFS='|' read -r name args cmd <<<"$t"
      has "$p" "$cmd" || continue
      # shellcheck disable=SC2086
      redis-benchmark -p "$p" -c 50 -n 50000 -r 100000 -P 16 -q $args >/dev/null 2>&1 || true
    done
    redis-cli -p "$p" flushall >/dev/null
  done
}
warm
echo "# machine: $(machine | tr '\n' ';')"
echo "# redis-benchmark -c 50 -r 100000 -n $N (x5 with -P 16), median of $ROUNDS interleaved rounds"
printf "%-12s %3s %12s %12s %7s\n" test P redis_rps verm_rps ratio
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for P in 1 16; do
  for t in "${TESTS[@]}"; do
    IFS='|' read -r name args cmd <<<"$t"
    if ! has "$VERM_PORT" "$cmd"; then printf "%-12s %3s %12s %12s %7s\n" "$name" "$P" - n/a n/a; continue; fi
    rr=(); vr=()
    for round in $(seq 1 "$ROUNDS"); do
      if (( round % 2 )); then order="$REDIS_PORT $VERM_PORT"; else order="$VERM_PORT $REDIS_PORT"; fi
      for p in $order; do
        n=$N; [ "$P" = 16 ] && n=$((N * 5))
        # shellcheck disable=SC2086
        rps=$(redis-benchmark -p "$p" -c 50 -n "$n" -r 100000 -P "$P" --csv $args | tail -1 | tr -d '"' | cut -d, -f2)
        if [ "$p" = "$REDIS_PORT" ]; then rr+=("$rps"); else vr+=("$rps"); fi
      done
    done
    R=$(printf "%s\n" "${rr[@]}" | median); V=$(printf "%s\n" "${vr[@]}" | median)
    awk -v t="$name" -v P="$P" -v R="$R" -v V="$V" 'BEGIN { printf "%-12s %3s %12.0f %12.0f %7.2f\n", t, P, R, V, V/R }'
  done
  for p in "$REDIS_PORT" "$VERM_PORT"; do redis-cli -p "$p" flushall >/dev/null; done
done
