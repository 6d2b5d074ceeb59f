#!/usr/bin/env bash
# bench/reshard.sh [N] [SLOTS]: resharding speed of the real `redis-cli --cluster reshard` and of
# `vermilion-cli --cluster reshard`, side by side in one run, on real redis-server 7.0 nodes and on
# Vermilion nodes: 4 combinations {redis-cli, vermilion-cli} x {redis-server, vermilion}.
#
# For each combination: a fresh 3-master cluster (formed by redis-cli), N keys (default 1000000)
# spread over all slots, an empty 4th master added, then SLOTS slots (default 4096) moved to it
# from all masters with --cluster-yes. Prints keys moved, seconds and keys/s, and verifies that no
# key was lost (every key still readable, same total, no slot left open); a closing Markdown table
# sums it up. BENCH_NODES="redis vermilion" (default both) limits the node kinds.
#
# Needs redis-server, redis-cli and python3 (to write the keys quickly); builds target/vermilion.jar
# if missing. Ports: BENCH_PORT (default 21300) and the next 33; bus ports are +10000 (kept below
# 32768, the start of the ephemeral range). Vermilion nodes run through bin/vermilion-server (its JVM flags; VERMILION_JAVA_OPTS overrides).
# BENCH_KEEP=1 keeps the work directory (tool outputs) for inspection; BENCH_VCLI_ARGS adds
# options to our reshard (e.g. "--cluster-parallel 1"). BENCH_STATS=1 also prints, per combination,
# the commands the nodes ran during the reshard (INFO commandstats summed over the 4 nodes).
# BENCH_AGAIN=1 then moves the same slots back with the same tool on the same (now warm) nodes and
# prints that time too.
set -euo pipefail
N=${1:-1000000}
SLOTS=${2:-4096}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE=${BENCH_PORT:-21300}
WORK="$(mktemp -d /tmp/vermilion-bench-reshard.XXXXXX)"
PIDS=()
[ -f "$ROOT/target/vermilion.jar" ] || (cd "$ROOT" && mvn -q -DskipTests package)
VCLI=(java -XX:+UseSerialGC -cp "$ROOT/target/vermilion.jar" io.vermilion.cli.CliMain)
export TERM=dumb

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

start_node() { # kind port
    local kind=$1; shift
    mkdir -p "$WORK/$1"
    local server=(redis-server)
    # Vermilion nodes run with the launcher's JVM flags, as an operator runs them.
    [ "$kind" = redis ] || server=(env VERMILION_JAR="$ROOT/target/vermilion.jar" "$ROOT/bin/vermilion-server")
    "${server[@]}" --port "$1" --bind 127.0.0.1 --cluster-enabled yes --cluster-node-timeout 5000 \
        --cluster-config-file "$WORK/$1/nodes.conf" --dir "$WORK/$1" --save "" --appendonly no \
        --daemonize no >"$WORK/$1/log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return; sleep 0.1; done
    echo "node $1 did not start" >&2; exit 1
}

# keys.py load|verify PORT N: writes N keys "key:<i>" = "v<i>" straight to the master owning each
# key's slot (pipelined), or reads them all back the same way and prints how many are missing or
# wrong. Owners come from CLUSTER NODES, so verify also proves the slot map is right.
cat >"$WORK/keys.py" <<'EOF'
import socket, subprocess, sys
mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tab = []
for i in range(256):
    c = i << 8
    for _ in range(8):
        c = ((c << 1) ^ 0x1021) if c & 0x8000 else (c << 1)
    tab.append(c & 0xffff)
def slot(b):
    c = 0
    for x in b:
        c = ((c << 8) & 0xffff) ^ tab[((c >> 8) ^ x) & 0xff]
    return c & 16383
owner = [None] * 16384
nodes = subprocess.run(["redis-cli", "-p", str(port), "cluster", "nodes"], capture_output=True, text=True).stdout
for line in nodes.splitlines():
    f = line.split()
    if "master" not in f[2]: continue
    p = int(f[1].split("@")[0].rsplit(":", 1)[1])
    for r in f[8:]:
        if r.startswith("["): continue
        a, _, b = r.partition("-")
        for s in range(int(a), int(b or a) + 1): owner[s] = p
by = {}
for i in range(n):
    by.setdefault(owner[slot(b"key:%d" % i)], []).append(i)
bad = 0
for p, ids in by.items():
    s = socket.create_connection(("127.0.0.1", p))
    f = s.makefile("rb")
    for off in range(0, len(ids), 10000):
        part = ids[off:off + 10000]
        if mode == "load":
            s.sendall(b"".join(b"SET key:%d v%d\r\n" % (i, i) for i in part))
            for i in part:
                r = f.readline()
                if r != b"+OK\r\n": sys.exit("SET failed on %d: %r" % (p, r))
        else:
            s.sendall(b"".join(b"GET key:%d\r\n" % i for i in part))
            for i in part:
                h = f.readline()
                if h[:1] != b"$" or h == b"$-1\r\n":
                    bad += 1
                    continue
                v = f.read(int(h[1:]) + 2)[:-2]
                if v != b"v%d" % i: bad += 1
    s.close()
if mode == "verify": print(bad)
EOF

load_keys() { python3 "$WORK/keys.py" load "$1" "$N"; }
verify_keys() { python3 "$WORK/keys.py" verify "$1" "$N"; }

total_keys() { # ports...
    local t=0
    for p in "$@"; do t=$((t + $(redis-cli -p "$p" dbsize))); done
    echo "$t"
}

joined() { # ports...: every node knows every node, none in handshake, all say cluster_state:ok
    for p in "$@"; do
        [ "$(redis-cli -p "$p" cluster nodes | grep -v handshake | grep -c connected)" = "$#" ] || return 1
        redis-cli -p "$p" cluster info | grep -q cluster_state:ok || return 1
    done
}

ROWS=()
run_one() { # tool-label node-kind base-port tool...
    local tool=$1 kind=$2 base=$3; shift 3
    local label="$tool-on-$kind"
    local ports=($base $((base + 1)) $((base + 2)) $((base + 3)))
    for p in "${ports[@]}"; do start_node "$kind" "$p"; done
    redis-cli --cluster create 127.0.0.1:${ports[0]} 127.0.0.1:${ports[1]} 127.0.0.1:${ports[2]} --cluster-yes >/dev/null
    until joined "${ports[@]:0:3}"; do sleep 0.2; done
    load_keys "${ports[0]}"
    local before; before=$(total_keys "${ports[@]}")
    redis-cli --cluster add-node 127.0.0.1:${ports[3]} 127.0.0.1:${ports[0]} >/dev/null
    # redis-cli returns before the other nodes know the new one; a reshard then fails with
    # "I don't know about node ...". Wait until all four know all four.
    until joined "${ports[@]}" && redis-cli --cluster check 127.0.0.1:${ports[0]} >/dev/null 2>&1; do sleep 0.2; done
    local target; target=$(redis-cli -p ${ports[3]} cluster myid)
    local t0 t1
    [ -z "${BENCH_STATS:-}" ] || for p in "${ports[@]}"; do redis-cli -p "$p" config resetstat >/dev/null; done
    t0=$(date +%s.%N)
    "$@" --cluster reshard 127.0.0.1:${ports[0]} --cluster-from all --cluster-to "$target" \
        --cluster-slots "$SLOTS" --cluster-yes ${EXTRA_ARGS:-} >"$WORK/$label.out" 2>"$WORK/$label.err" || {
        echo "$label --cluster reshard failed:" >&2; tail -n 20 "$WORK/$label.out" "$WORK/$label.err" >&2; exit 1; }
    t1=$(date +%s.%N)
    local moved after bad open
    moved=$(redis-cli -p ${ports[3]} dbsize)
    until redis-cli --cluster check 127.0.0.1:${ports[0]} >"$WORK/$label.check" 2>&1; do sleep 0.2; done
    open=$(grep -c 'open' "$WORK/$label.check" || true)
    after=$(total_keys "${ports[@]}")
    bad=$(verify_keys "${ports[0]}")
    python3 -c "import sys; m,t0,t1=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); \
print('%-24s %9d keys moved in %7.2f s  %10.0f keys/s' % (sys.argv[4], m, t1-t0, m/(t1-t0)))" \
        "$moved" "$t0" "$t1" "$label"
    echo "                         keys before $before, after $after, unreadable $bad, open-slot lines $open"
    [ "$tool" = redis-cli ] || sed 's/^/                         /' "$WORK/$label.err"
    if [ -n "${BENCH_STATS:-}" ]; then # the commands the reshard sent, summed over the 4 nodes
        for p in "${ports[@]}"; do redis-cli -p "$p" info commandstats; done | tr -d '\r' | awk -F'[:,=]' '
            /^cmdstat_/ { c[$1] += $3; u[$1] += $5 }
            END { for (k in c) if (c[k] >= 100) printf "                         %-32s %8d calls %9.0f us %7.2f us/call\n", substr(k, 9), c[k], u[k], u[k] / c[k] }' | sort -k4 -g -r
    fi
    ROWS+=("$(python3 -c "import sys; m,t0,t1=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); \
lost=int(sys.argv[7])-int(sys.argv[8]); \
print('| %s | %s | %d | %.2f | %.0f | %d | %s |' % (sys.argv[4], sys.argv[5], m, t1-t0, m/(t1-t0), max(lost,0), sys.argv[6]))" \
        "$moved" "$t0" "$t1" "$tool" "$([ "$kind" = redis ] && echo "redis-server 7.0" || echo vermilion)" "$bad" "$N" "$after")")
    if [ "$before" != "$N" ] || [ "$after" != "$N" ] || [ "$bad" != 0 ] || [ "$open" != 1 ]; then
        echo "FAILED: keys lost or cluster left unclean ($label); see $WORK" >&2
        trap - EXIT
        exit 1
    fi
    if [ -n "${BENCH_AGAIN:-}" ]; then
        # The same nodes, now warm: the slots go back from the new master to the first one, by
        # the same tool. Cold minus warm is what the first reshard paid for warming up (the JIT).
        local first; first=$(redis-cli -p ${ports[0]} cluster myid)
        t0=$(date +%s.%N)
        "$@" --cluster reshard 127.0.0.1:${ports[0]} --cluster-from "$target" --cluster-to "$first" \
            --cluster-slots "$SLOTS" --cluster-yes ${EXTRA_ARGS:-} >"$WORK/$label.again.out" 2>"$WORK/$label.again.err" || {
            echo "$label second --cluster reshard failed:" >&2; tail -n 20 "$WORK/$label.again.out" "$WORK/$label.again.err" >&2; exit 1; }
        t1=$(date +%s.%N)
        until redis-cli --cluster check 127.0.0.1:${ports[0]} >/dev/null 2>&1; do sleep 0.2; done
        python3 -c "import sys; t0,t1=float(sys.argv[1]),float(sys.argv[2]); \
print('%-24s %9s the slots moved back in %5.2f s (warm nodes), keys now %s' % (sys.argv[3], '', t1-t0, sys.argv[4]))" \
            "$t0" "$t1" "$label" "$(total_keys "${ports[@]}")"
    fi
    for p in "${ports[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
}

echo "Resharding $SLOTS slots to a new master, $N keys, real redis-server $(redis-server --version | grep -o 'v=[^ ]*')"
echo "$(nproc) cores; redis-cli default --cluster-pipeline 10, vermilion-cli default 1000 keys per MIGRATE"
off=0
for kind in ${BENCH_NODES:-redis vermilion}; do
    run_one redis-cli "$kind" "$((BASE + off))" redis-cli
    EXTRA_ARGS="${BENCH_VCLI_ARGS:-}" run_one vermilion-cli "$kind" "$((BASE + off + 10))" "${VCLI[@]}"
    off=$((off + 20))
done
echo
echo "| tool | nodes | keys moved | seconds | keys/s | keys lost | keys unreadable |"
echo "|---|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
