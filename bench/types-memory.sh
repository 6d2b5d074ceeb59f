#!/usr/bin/env bash
# Memory of the data types, Vermilion vs real redis-server 7.0 side by side: for each data set, both
# servers are started fresh, loaded through the real redis-cli --pipe, and the growth of RSS and of
# INFO used_memory over the empty process is printed per key (per element for the list), with the
# ratio Vermilion/Redis. A data set whose command Vermilion does not implement yet prints n/a.
#   bench/types-memory.sh [keys] [list-elements]
#   hashes:  <keys> hashes of 10 small fields      (listpack in Redis)
#   sets:    <keys> sets of 10 small integers      (intset)
#   zsets:   <keys> zsets of 10 members            (listpack)
#   list:    one list of <list-elements> elements  (quicklist)
set -euo pipefail
# Own default ports, so that a run of the other bench scripts (16379/16380) can go on meanwhile.
REDIS_PORT=${REDIS_PORT:-16479}
VERM_PORT=${VERM_PORT:-16480}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
KEYS=${1:-100000}
LIST=${2:-1000000}
LOAD="$(mktemp -d /tmp/vermilion-bench-load.XXXXXX)"
trap 'stop_servers; rm -rf "$LOAD"' EXIT

/usr/bin/python3 - "$KEYS" "$LIST" "$LOAD" <<'PY'
import sys
keys, n_list, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def cmd(out, *args):
    out.write(b"*%d\r\n" % len(args))
    for a in args:
        out.write(b"$%d\r\n%s\r\n" % (len(a), a))
with open(d + "/hashes.resp", "wb") as o:
    for i in range(keys):
        a = [b"HSET", b"hash:%07d" % i]
        for f in range(10): a += [b"field%d" % f, b"value-%d" % (i + f)]
        cmd(o, *a)
with open(d + "/sets.resp", "wb") as o:
    for i in range(keys):
        cmd(o, b"SADD", b"set:%07d" % i, *[b"%d" % (i % 1000 + m * 7) for m in range(10)])
with open(d + "/zsets.resp", "wb") as o:
    for i in range(keys):
        a = [b"ZADD", b"zset:%07d" % i]
        for m in range(10): a += [b"%d" % (m * 10 + i % 7), b"member-%d" % m]
        cmd(o, *a)
with open(d + "/list.resp", "wb") as o:
    for i in range(0, n_list, 1000):
        cmd(o, b"RPUSH", b"biglist", *[b"element-%07d" % j for j in range(i, min(n_list, i + 1000))])
PY

has() { [ "$(redis-cli -p "$1" command info "$2" | head -1)" != "" ]; }

echo "# machine: $(machine | tr '\n' ';')"
echo "# $KEYS keys per data set; list: $LIST elements; fresh servers per data set; redis-cli --pipe"
printf "%-8s %-10s %12s %12s %11s %11s %9s %9s\n" data server rss_grow_KB used_grow_KB rss_B_item used_B_item rss_x used_x
for set in hashes:hset:$KEYS sets:sadd:$KEYS zsets:zadd:$KEYS list:rpush:$LIST; do
  IFS=: read -r name cmd items <<<"$set"
  WORK="$(mktemp -d /tmp/vermilion-bench.XXXXXX)"
  start_servers
  if ! has "$VERM_PORT" "$cmd"; then
    printf "%-8s %-10s %12s\n" "$name" vermilion n/a
    stop_servers; continue
  fi
  declare -A RG UG
  for who in redis vermilion; do
    if [ $who = redis ]; then port=$REDIS_PORT; pid=$REDIS_PID; else port=$VERM_PORT; pid=$VERM_PID; fi
    sleep 1
    rb=$(rss_kb "$pid"); ub=$(used_memory "$port")
    redis-cli -p "$port" --pipe <"$LOAD/$name.resp" >/dev/null
    expect=$([ "$name" = list ] && echo 1 || echo "$KEYS")
    keys=$(redis-cli -p "$port" dbsize)
    [ "$keys" = "$expect" ] || { echo "expected $expect keys on $who, got $keys" >&2; exit 1; }
    sleep 3   # let a collector settle: we report what the process holds, not a transient peak
    ra=$(rss_kb "$pid"); ua=$(used_memory "$port")
    RG[$who]=$((ra - rb)); UG[$who]=$(( (ua - ub) / 1024 ))
    awk -v d="$name" -v w=$who -v rg=$((ra - rb)) -v ug=$(( (ua - ub) / 1024 )) -v n="$items" \
        -v rr="${RG[redis]}" -v ur="${UG[redis]}" 'BEGIN {
        rx = (w == "vermilion" && rr > 0) ? sprintf("%.2f", rg/rr) : "";
        ux = (w == "vermilion" && ur > 0) ? sprintf("%.2f", ug/ur) : "";
        printf "%-8s %-10s %12d %12d %11.1f %11.1f %9s %9s\n", d, w, rg, ug, rg*1024/n, ug*1024/n, rx, ux }'
  done
  unset RG UG
  stop_servers
done
