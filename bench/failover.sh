#!/usr/bin/env bash
# bench/failover.sh [WRITES]: replica failover of real redis-server 7.0 and of Vermilion, side by
# side in one run, at cluster-node-timeout 5000 and 1000.
#
# For each kind {redis, vermilion} and node timeout {5000, 1000} and mode {plain, wait}: a fresh
# 3 masters + 3 replicas cluster (redis-cli --cluster create --cluster-replicas 1), then WRITES
# (default 10000) SETs, one at a time, to keys of one master (in "wait" mode each SET is followed
# by WAIT 1 2000 and counts as acknowledged only if WAIT answers >= 1), then kill -9 of that master
# right after the last acknowledgement. Measured:
#   - ms from the kill until its replica is master and every survivor says cluster_state:ok;
#   - acknowledged writes lost: acknowledged keys that the promoted replica does not hold.
# A closing Markdown table sums it up. BENCH_NODES="redis vermilion" (default both),
# BENCH_TIMEOUTS="5000 1000", BENCH_MODES="plain wait" limit the runs. In wait mode the writes stop
# after BENCH_WAIT_BUDGET seconds (default 60), so "acknowledged" may be below WRITES there.
#
# Both kinds run with their defaults (cluster-replica-validity-factor 10): the replicas sync their
# master's data before the writes start. Needs redis-server, redis-cli, python3. Ports: BENCH_PORT
# (default 21400) and the next 5, bus ports +10000.
set -euo pipefail
WRITES=${1:-10000}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE=${BENCH_PORT:-21400}
WORK="$(mktemp -d /tmp/vermilion-bench-failover.XXXXXX)"
PIDS=()
[ -f "$ROOT/target/vermilion.jar" ] || (cd "$ROOT" && mvn -q -DskipTests package)
export TERM=dumb

cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

start_node() { # kind port timeout
    local kind=$1 port=$2 timeout=$3
    rm -rf "$WORK/$port"; mkdir -p "$WORK/$port"
    local server=(redis-server)
    [ "$kind" = redis ] || server=(java -Xss8m -XX:+UseSerialGC -jar "$ROOT/target/vermilion.jar")
    "${server[@]}" --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-node-timeout "$timeout" \
        --cluster-config-file "$WORK/$port/nodes.conf" --dir "$WORK/$port" \
        --save "" --appendonly no --daemonize no >"$WORK/$port/log" 2>&1 &
    PIDS+=($!)
    echo $! >"$WORK/$port/pid"
    for _ in $(seq 1 300); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
    echo "node $port did not start" >&2; exit 1
}

# run.py PORTS... : picks a master with a replica, writes, kills, measures; prints "ms lost acked"
cat >"$WORK/run.py" <<'EOF'
import os, signal, socket, subprocess, sys, time
work, mode, writes = sys.argv[1], sys.argv[2], int(sys.argv[3])
ports = [int(p) for p in sys.argv[4:]]
tab = []
for i in range(256):
    c = i << 8
    for _ in range(8):
        c = ((c << 1) ^ 0x1021) if c & 0x8000 else (c << 1)
    tab.append(c & 0xffff)
def slot(b):
    s, e = b.find(b"{"), -1
    if s >= 0:
        e = b.find(b"}", s + 1)
        if e > s + 1: b = b[s + 1:e]
    c = 0
    for x in b:
        c = ((c << 8) & 0xffff) ^ tab[((c >> 8) ^ x) & 0xff]
    return c & 16383
class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.f = self.s.makefile("rb")
    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.read()
    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t in (b"+", b"-"): return rest.decode() if t == b"+" else Exception(rest.decode())
        if t == b":": return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0: return None
            d = self.f.read(n + 2)[:-2]
            return d
        if t == b"*": return [self.read() for _ in range(int(rest))]
        raise IOError("bad reply %r" % line)
def cli(port, *args):
    try:
        c = Conn(port); r = c.call(*args); c.s.close(); return r
    except OSError:
        return None
def nodes(port):
    r = cli(port, "CLUSTER", "NODES")
    return [] if r is None else [l.split() for l in r.decode().splitlines()]
view = nodes(ports[0])
byid = {f[0]: f for f in view}
victim = replica = None
for f in view:
    if "slave" in f[2] and f[3] in byid:
        m = byid[f[3]]
        victim, replica = int(m[1].split(":")[1].split("@")[0]), int(f[1].split(":")[1].split("@")[0])
        lo, _, hi = m[8].partition("-")
        lo, hi = int(lo), int(hi or lo)
        break
rid = cli(replica, "CLUSTER", "MYID").decode()
keys = []
i = 0
while len(keys) < writes:
    k = b"k%d" % i
    if lo <= slot(k) <= hi: keys.append(k)  # any slot of that master (one slot would take ~16384 tries a key)
    i += 1
c = Conn(victim)
acked = []
budget = time.monotonic() + float(os.environ.get("BENCH_WAIT_BUDGET", "60"))
for k in keys:
    if mode == "wait" and time.monotonic() > budget: break  # a slow WAIT must not stall the run
    r = c.call("SET", k, b"v")
    if r != "OK": continue
    if mode == "wait":
        w = c.call("WAIT", 1, 2000)
        if not isinstance(w, int) or w < 1: continue
    acked.append(k)
pid = int(open(os.path.join(work, str(victim), "pid")).read())
os.kill(pid, signal.SIGKILL)
t0 = time.monotonic()
survivors = [p for p in ports if p != victim]
deadline = t0 + 120
ms = -1
while time.monotonic() < deadline:
    ok = True
    for p in survivors:
        info = cli(p, "CLUSTER", "INFO")
        if info is None or b"cluster_state:ok" not in info: ok = False; break
        me = [f for f in nodes(p) if f[0] == rid]
        if not me or "master" not in me[0][2]: ok = False; break
    if ok:
        ms = int((time.monotonic() - t0) * 1000)
        break
    time.sleep(0.02)
time.sleep(0.5)
c = Conn(replica)
present = 0
for k in acked:
    if c.call("EXISTS", k) == 1: present += 1
print(ms, len(acked) - present, len(acked))
EOF

ROWS=("| kind | node timeout | writes | ms kill → promoted, all ok | acknowledged | acknowledged lost |"
      "|---|---:|---|---:|---:|---:|")
for kind in ${BENCH_NODES:-redis vermilion}; do
    for timeout in ${BENCH_TIMEOUTS:-5000 1000}; do
        for mode in ${BENCH_MODES:-plain wait}; do
            PORTS=()
            for i in 0 1 2 3 4 5; do PORTS+=($((BASE + i))); done
            for p in "${PORTS[@]}"; do start_node "$kind" "$p" "$timeout"; done
            args=()
            for p in "${PORTS[@]}"; do args+=("127.0.0.1:$p"); done
            redis-cli --cluster create "${args[@]}" --cluster-replicas 1 --cluster-yes >"$WORK/create.log" 2>&1
            # wait: everyone ok, and every replica synced (link up)
            for _ in $(seq 1 600); do
                ready=1
                for p in "${PORTS[@]}"; do
                    redis-cli -p "$p" cluster info | grep -q "cluster_state:ok" || ready=0
                    role=$(redis-cli -p "$p" role 2>/dev/null | head -1)
                    if [ "$role" = slave ]; then
                        redis-cli -p "$p" info replication | grep -q "master_link_status:up" || ready=0
                    fi
                done
                [ $ready = 1 ] && break
                sleep 0.1
            done
            read -r ms lost acked < <(python3 "$WORK/run.py" "$WORK" "$mode" "$WRITES" "${PORTS[@]}")
            label=$([ "$mode" = wait ] && echo "SET + WAIT 1 2000" || echo "SET")
            echo "$kind node-timeout $timeout $label: promoted and all ok after $ms ms; $lost of $acked acknowledged writes lost"
            ROWS+=("| $kind | $timeout | $label | $ms | $acked | $lost |")
            for p in "${PORTS[@]}"; do kill -9 "$(cat "$WORK/$p/pid")" 2>/dev/null || true; done
            wait 2>/dev/null || true
            PIDS=()
        done
    done
done
echo
printf '%s\n' "${ROWS[@]}"
