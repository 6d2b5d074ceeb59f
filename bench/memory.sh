#!/usr/bin/env bash
# Memory per key: loads N small string keys (key:%09d -> 16-byte value) into real redis-server
# 7.0 and into Vermilion, through the real redis-cli --pipe, and prints bytes per key measured as
# RSS growth over the empty process and as INFO used_memory growth.
#   bench/memory.sh [keys]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
N=${1:-1000000}
start_servers
/usr/bin/python3 - "$N" >"$WORK/load.resp" <<'PY'
import sys
n = int(sys.argv[1]); out = sys.stdout.buffer
for i in range(n):
    k = b"key:%09d" % i; v = b"value-%010d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
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
    sleep 3   # let a collector settle: we report what the process holds, not a transient peak
    ra=$(rss_kb "$pid"); ua=$(used_memory "$port")
    awk -v w=$who -v rb="$rb" -v ra="$ra" -v ub="$ub" -v ua="$ua" -v n="$N" 'BEGIN {
        printf "%-10s %10d KB %10d KB %14.1f %14.1f\n", w, rb, ra, (ra-rb)*1024/n, (ua-ub)/n }'
done
