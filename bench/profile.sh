#!/usr/bin/env bash
# CPU profile of one Vermilion node under redis-benchmark -c 50 -P 16, with async-profiler
# (Maven Central artifact tools.profiler:async-profiler, fetched into ~/.m2 on first use),
# attached after a warm-up; writes OUT.collapsed (folded stacks, one thread per root frame)
# and OUT.txt (a text summary: threads, the loop thread's tree, top self frames).
#   bench/profile.sh TEST OUT [requests]      e.g. bench/profile.sh incr bench/profiles/incr
# VERMILION_JAR / VERMILION_JAVA_OPTS as for bin/vermilion-server; PROFILE_ARGS: server directives
# (default "--appendonly no"), e.g. PROFILE_ARGS="--appendonly yes --appendfsync everysec";
# PROFILE_PIPELINE: redis-benchmark -P (default 16; 1 for one request per round trip);
# PROFILE_WARMUP: requests before the profiler starts (default 3000000).
set -euo pipefail
T=$1; OUT=$2; N=${3:-2000000}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=${PROFILE_PORT:-16390}
AP_VER=3.0
AP_DIR="$ROOT/target/async-profiler-$AP_VER"
if [ ! -f "$AP_DIR/linux-x64/libasyncProfiler.so" ]; then
    jar="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VER/async-profiler-$AP_VER.jar"
    [ -f "$jar" ] || mvn -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VER" >/dev/null
    mkdir -p "$AP_DIR" && (cd "$AP_DIR" && unzip -q -o "$jar" 'linux-x64/*')
fi
AP="$AP_DIR/linux-x64/libasyncProfiler.so"
D=$(mktemp -d)
VERMILION_EXTRA_JAVA_OPTS="${VERMILION_EXTRA_JAVA_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" \
    "$ROOT/bin/vermilion-server" --port "$PORT" --bind 127.0.0.1 --save "" ${PROFILE_ARGS:---appendonly no} --dir "$D" >"$D/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$D"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-benchmark -p "$PORT" -c 50 -n "${PROFILE_WARMUP:-3000000}" -t "$T" -P "${PROFILE_PIPELINE:-16}" -q >/dev/null     # JIT warm-up
jcmd "$PID" JVMTI.agent_load "$AP" "\"start,event=cpu,interval=1ms,threads\"" >/dev/null
redis-benchmark -p "$PORT" -c 50 -n "$N" -t "$T" -P "${PROFILE_PIPELINE:-16}" --csv | tail -1
jcmd "$PID" JVMTI.agent_load "$AP" "\"stop,file=$OUT.collapsed,collapsed\"" >/dev/null
python3 "$ROOT/bench/profiles/summarize.py" "$OUT.collapsed" > "$OUT.txt"
