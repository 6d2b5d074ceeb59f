#!/usr/bin/env bash
# Memory of sets: loads N keys each holding a set (default: 10 small integers, an intset; with
# "strings": 10 short strings, a hashtable) into real redis-server 7.0 and into Vermilion through
# redis-cli --pipe, and prints bytes per key as RSS growth and as INFO used_memory growth.
#   bench/memory-sets.sh [keys] [ints|strings]
set -euo pipefail
REDIS_PORT=${REDIS_PORT:-26379}
VERM_PORT=${VERM_PORT:-26380}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
N=${1:-100000}
KIND=${2:-ints}
start_servers
/usr/bin/python3 - "$N" "$KIND" >"$WORK/load.resp" <<'PY'
import sys
n = int(sys.argv[1]); kind = sys.argv[2]; out = sys.stdout.buffer
for i in range(n):
    k = b"set:%09d" % i
    ms = [b"%d" % j for j in range(10)] if kind == "ints" else [b"member:%d" % j for j in range(10)]
    out.write(b"*%d\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n" % (len(ms) + 2, len(k), k))
    for m in ms: out.write(b"$%d\r\n%s\r\n" % (len(m), m))
PY
echo "# machine: $(machine | tr '\n' ';')"
printf "%-10s %12s %12s %14s %14s\n" server rss_before rss_after rss_B_per_key used_B_per_key
for who in redis vermilion; do
    if [ $who = redis ]; then port=$REDIS_PORT; pid=$REDIS_PID; else port=$VERM_PORT; pid=$VERM_PID; fi
    sleep 1
    rb=$(rss_kb "$pid"); ub=$(used_memory "$port")
    redis-cli -p "$port" --pipe <"$WORK/load.resp" >/dev/null
    keys=$(redis-cli -p "$port" dbsize)
    [ "$keys" = "$N" ] || { echo "expected $N keys on $who, got $keys" >&2; exit 1; }
    sleep 3
    ra=$(rss_kb "$pid"); ua=$(used_memory "$port")
    awk -v w=$who -v rb="$rb" -v ra="$ra" -v ub="$ub" -v ua="$ua" -v n="$N" 'BEGIN {
        printf "%-10s %10d KB %10d KB %14.1f %14.1f\n", w, rb, ra, (ra-rb)*1024/n, (ua-ub)/n }'
done
