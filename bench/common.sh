# Shared helpers for the bench scripts: start/stop one real redis-server and one Vermilion node.
# Ports are chosen so that neither collides with a local cluster (7001-7006).
REDIS_PORT=${REDIS_PORT:-16379}
VERM_PORT=${VERM_PORT:-16380}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/vermilion-bench.XXXXXX)"

start_servers() {
    [ -f "$ROOT/target/vermilion.jar" ] || (cd "$ROOT" && mvn -q -DskipTests package)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
        --daemonize no ${REDIS_ARGS:-} >"$WORK/redis.log" 2>&1 &
    REDIS_PID=$!
    "$ROOT/bin/vermilion-server" --port "$VERM_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
        >"$WORK/vermilion.log" 2>&1 &
    VERM_PID=$!
    for p in "$REDIS_PORT" "$VERM_PORT"; do
        for _ in $(seq 1 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
    done
    # The launcher execs java, so $VERM_PID is the JVM itself.
    trap stop_servers EXIT
}

stop_servers() {
    kill "$REDIS_PID" "$VERM_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
used_memory() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1=="used_memory" {print $2}'; }

machine() {
    echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    java -version 2>&1 | head -1
    redis-server --version
}
