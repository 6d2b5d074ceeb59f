#!/usr/bin/env bash
# TLS throughput of Vermilion vs real redis-server 7.0, side by side in one run: redis-benchmark
# --tls against each server's tls-port (client certificates required, as by default), SET and
# GET at -P 1 and -P 16. Rounds alternate the order; medians are kept. Prints ratios Vermilion/Redis.
#   bench/tls.sh [rounds] [requests]
# VERMILION_JAVA_OPTS=-Dvermilion.tls.provider=jdk bench/tls.sh   measures the JDK provider instead
# of BoringSSL (netty-tcnative); see docs/tls.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${1:-3}
N=${2:-100000}
REDIS_TLS=${REDIS_TLS:-16389}
VERM_TLS=${VERM_TLS:-16390}
[ -f "$ROOT/target/vermilion.jar" ] || (cd "$ROOT" && mvn -q -DskipTests package)
"$ROOT/bin/gen-test-certs" "$WORK/certs" >/dev/null
C="$WORK/certs"
tls_args=(--tls-cert-file "$C/redis.crt" --tls-key-file "$C/redis.key" --tls-ca-cert-file "$C/ca.crt")
redis-server --port "$REDIS_PORT" --tls-port "$REDIS_TLS" "${tls_args[@]}" --bind 127.0.0.1 --save "" \
    --appendonly no --dir "$WORK" --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
"$ROOT/bin/vermilion-server" --port "$VERM_PORT" --tls-port "$VERM_TLS" "${tls_args[@]}" --bind 127.0.0.1 \
    --save "" --appendonly no --dir "$WORK" >"$WORK/vermilion.log" 2>&1 &
VERM_PID=$!
trap stop_servers EXIT
for p in "$REDIS_PORT" "$VERM_PORT"; do
    for _ in $(seq 1 300); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
cli_tls=(--tls --cacert "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key")
echo "# machine: $(machine | tr '\n' ';')"
echo "# vermilion: $(grep -o 'TLS provider: .*' "$WORK/vermilion.log" || echo '?')"
# warm up the JIT (Redis gets the same calls)
for p in "$REDIS_TLS" "$VERM_TLS"; do
    redis-benchmark "${cli_tls[@]}" -p "$p" -c 50 -n "$N" -t set,get -P 16 -q >/dev/null
    redis-benchmark "${cli_tls[@]}" -p "$p" -c 50 -n "$N" -t set,get -q >/dev/null
done
printf "%-6s %3s %12s %12s %7s %9s %9s\n" test P redis_rps verm_rps ratio r_p50 v_p50
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for P in 1 16; do
    for t in set get; do
        rr=(); vr=(); r50=(); v50=()
        for round in $(seq 1 "$ROUNDS"); do
            if (( round % 2 )); then order="$REDIS_TLS $VERM_TLS"; else order="$VERM_TLS $REDIS_TLS"; fi
            for p in $order; do
                n=$N; [ "$P" = 16 ] && n=$((N * 5))
                line=$(redis-benchmark "${cli_tls[@]}" -p "$p" -c 50 -n "$n" -P "$P" -t "$t" --csv | tail -1 | tr -d '"')
                rps=$(echo "$line" | cut -d, -f2); p50=$(echo "$line" | cut -d, -f5)
                if [ "$p" = "$REDIS_TLS" ]; then rr+=("$rps"); r50+=("$p50"); else vr+=("$rps"); v50+=("$p50"); fi
            done
        done
        R=$(printf "%s\n" "${rr[@]}" | median); V=$(printf "%s\n" "${vr[@]}" | median)
        R50=$(printf "%s\n" "${r50[@]}" | median); V50=$(printf "%s\n" "${v50[@]}" | median)
        awk -v t="$t" -v P="$P" -v R="$R" -v V="$V" -v a="$R50" -v b="$V50" 'BEGIN {
            printf "%-6s %3s %12.0f %12.0f %7.2f %9.3f %9.3f\n", t, P, R, V, V/R, a, b }'
    done
done
