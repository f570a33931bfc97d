#!/usr/bin/env bash
# Java finalization on vs off for the router (Netty's QUIC connections carry a finalizer), alternating:
#   loadtest/finalization.sh [JAVA_HOME_18_OR_LATER] [ROUNDS]   # default: $JAVA_HOME, 3 rounds
# Router alone on core 0 (one event loop, the C/WASI plugin), the probe at 64 in flight on core 1;
# per run: 5,000 warm-up sessions, then 20,000 measured: young GCs and their pause time and the
# old generation (jstat -gc), the plugin-call and answer latency shares (the router's /metrics
# histogram bucket deltas). Prints one row per run. Needs a built checkout (loadtest/run.sh smoke builds it).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
jdk="${1:-${JAVA_HOME:-}}"
rounds="${2:-3}"
[ -n "$jdk" ] && [ -x "$jdk/bin/java" ] || { echo "loadtest/finalization.sh: give a JDK 18+ home (finalization can only be turned off there)" >&2; exit 2; }
"$jdk/bin/java" --finalization=disabled -version >/dev/null 2>&1 || { echo "loadtest/finalization.sh: $jdk cannot turn finalization off (Java 18+ needed)" >&2; exit 2; }
cp="loadtest/target/classes:$(cat loadtest/target/classpath.txt)"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/router.yaml" <<Y
listen: "127.0.0.1:15564"
quic: {max_idle_timeout: 30s, event_loops: 1}
limits: {max_connections_per_ip: 0, new_connections_per_ip: 0, retry: never}
logging: {access_log: "off"}
admin: {listen: "127.0.0.1:19564"}
routing:
  default: {strategy: round_robin, backends: [{host: a, port: 1}]}
plugins:
  - {name: c, type: wasm, stage: mutate, timeout: 1s, wasm: {path: plugins/examples/c-plugin/plugin.wasm}}
Y
probe() { taskset -c 1 java -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe \
  --target 127.0.0.1:15564 --sni play.localhost --count "$1" --concurrency 64 > "$work/probe.json"; }
shares() { # METRIC -> "≤50µs ≤100µs ≤1ms" shares of the bucket deltas
  awk -v m="$1_bucket" 'FNR == NR { if (index($1, m) == 1) b[$1] = $2; next }
    index($1, m) == 1 { d = $2 - b[$1]; if ($1 ~ /le="5.0E-5"/) a = d; if ($1 ~ /le="1.0E-4"/) c = d; if ($1 ~ /le="0.001"/) e = d; if ($1 ~ /le="\+Inf"/) t = d }
    END { printf "%.1f / %.1f / %.2f %%", a / t * 100, c / t * 100, e / t * 100 }' "$work/m0" "$work/m1"
}
echo "| round | finalization | young GCs | pause total ms | old generation MB | calls ≤ 50 µs / ≤ 100 µs / ≤ 1 ms | answers ≤ 50 µs / ≤ 100 µs / ≤ 1 ms | sessions/s |"
echo "|---|---|---:|---:|---|---|---|---:|"
for r in $(seq 1 "$rounds"); do
  for v in on off; do
    opt=(); [ "$v" = off ] && opt=(--finalization=disabled)
    taskset -c 0 "$jdk/bin/java" -XX:+UseParallelGC "${opt[@]}" -Dio.netty.leakDetection.level=disabled \
      -jar router/dist/target/hyrouter.jar -config "$work/router.yaml" -log-level warn > "$work/router.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 60); do curl -sf 127.0.0.1:19564/readyz >/dev/null 2>&1 && break; sleep 0.5; done
    probe 5000
    curl -s 127.0.0.1:19564/metrics > "$work/m0"; "$jdk/bin/jstat" -gc "$pid" | tail -1 > "$work/gc0"
    probe 20000
    curl -s 127.0.0.1:19564/metrics > "$work/m1"; "$jdk/bin/jstat" -gc "$pid" | tail -1 > "$work/gc1"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    # jstat -gc columns: … OU is the 8th; YGC and YGCT are the 7th and 6th from the end
    gc=$(paste <(awk '{print $(NF-6), $(NF-5), $8}' "$work/gc0") <(awk '{print $(NF-6), $(NF-5), $8}' "$work/gc1") \
      | awk '{printf "%d | %.0f | %.1f → %.1f", $4 - $1, ($5 - $2) * 1000, $3 / 1024, $6 / 1024}')
    echo "| $r | $v | $gc | $(shares hyrouter_plugin_call_latency_seconds) | $(shares hyrouter_answer_latency_seconds) | $(grep -o '"sessions_per_s":[0-9.]*' "$work/probe.json" | cut -d: -f2 | cut -d. -f1) |"
  done
done
