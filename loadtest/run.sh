#!/usr/bin/env bash
# Gatling load tests speaking Hytale over QUIC. One command per run; each writes
# perf-reports/loadtest/<date>-<sha>-<kind>/ (summary.md, Gatling's HTML report, session logs):
#   loadtest/run.sh steady    [--rate N] [--duration S] [--p99-ms MS]   # the router at N sessions/s, asserted
#   loadtest/run.sh capacity  [--start N] [--step N] [--levels K] [--level-seconds S] [--slo-ms MS]
#   loadtest/run.sh plugins   [--rate N] [--duration S]   # none vs WAT vs C/WASI vs gRPC (own process)
#   loadtest/run.sh reference [--rate N] [--duration S] [--rounds R]   # router vs the bare-QUIC server, alternating
#   loadtest/run.sh metrics   [--rate N] [--duration S] [--rounds R]   # no admin listener vs /metrics scraped every second, alternating
#   loadtest/run.sh memory    [--count N]   # memory per live connection: N connections held open, RSS and heap before/after
#   loadtest/run.sh accesslog [--rate N] [--duration S] [--rounds R] [--variants off,stdout,file]   # access log off vs on, alternating
#   loadtest/run.sh soak      [--count N] [--leak simple|paranoid]   # N sessions (default 100000), 64 concurrent, C/WASI plugin, signed envelopes
#   loadtest/run.sh saturation [--count N] [--rounds R] [--variants none,wat,c,grpc,loop,loop-alone]   # router-bound: closed-loop client saturating the router's core
#                              [--variants base,mmsg16,gso16,gro,mmsg16+gso16]   # the same for the data plane's socket options
#                              [--variants parallel,g1,zgc]   # the same for the router's garbage collector
#                              [--variants full,resume,0rtt]   # full TLS handshakes (every other variant) vs a client resuming, and 0-RTT
#                              [--variants full,bare]   # the router vs the minimal Netty QUIC answerer (the reference), full handshakes
#                              [--variants log,full,nocert,untuned,untuned-certreq,bare]   # issue 30: the router as bundled vs the untuned reference
#                              [--warmup N]   # warm-up sessions before each measured run (default count/4)
#   loadtest/run.sh flood     [--rate N] [--flood-rate N] [--duration S] [--rounds R] [--variants none,retry-never,retry-auto,retry-always,one-source]
#   loadtest/run.sh warmup    [--variants none,wat,c,grpc] [--rounds R] [--count BUCKETS]   issue 27: CPU per session from the first session
#   loadtest/run.sh overload  [--rounds R] [--duration S] [--variants router[,router-250ms][,router-buf1048576][,before][,untuned]] [--capacity N] [--quota-us U]
#                             # rush hour: each server held to U µs of CPU per 100 ms (cgroup v1 quota, default 25000),
#                             # warmed on the whole core, C measured under the quota (or fixed), then an open-loop client
#                             # offers 0.5, 1.5, 2.5, 0.5 × C; variant before needs BEFORE_JAR=an older hyrouter.jar
#   loadtest/run.sh smoke     # CI: a short reference run with generous assertions
#   loadtest/run.sh warmup-gate [--count BUCKETS]   # CI: first 2,000 sessions after ready vs warm, per perf-reports/warmup-gate.json (WARMUP_GATE_FILE=)
#   add --target HOST:PORT to load a router that is already running (steady/capacity only; no CPU figures)
#   add --heap SIZE to start the router with -Xmx SIZE (e.g. 256m; default: the JVM's, a quarter of RAM)
#   add --warmup S to run S seconds of the same load, unmeasured, before each measured run (JIT warm-up)
#   HYROUTER_JAR=path runs that router jar instead of this checkout's (to measure an older build the same way)
# Servers run pinned to core 0 and Gatling to core 1 (taskset) when the machine has 2+ cores.
# Needs a JDK 17+ and Maven; builds what it needs first.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

kind="${1:-}"
[ -n "$kind" ] && shift || true
rate=300; duration=30; p99=50; rounds=3; target=""; warmup=0; variants="off,stdout,file"; count=""; leak=disabled; heap=""; flood_rate=3000
start=200; step=200; levels=8; level_seconds=10; slo=50; capacity=0; quota_us=25000
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --p99-ms) p99="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --leak) leak="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --flood-rate) flood_rate="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --start) start="$2"; shift 2 ;;
    --step) step="$2"; shift 2 ;;
    --levels) levels="$2"; shift 2 ;;
    --level-seconds) level_seconds="$2"; shift 2 ;;
    --slo-ms) slo="$2"; shift 2 ;;
    --capacity) capacity="$2"; shift 2 ;;
    --quota-us) quota_us="$2"; shift 2 ;;
    *) echo "loadtest/run.sh: unknown argument $1 (see the comment at the top)" >&2; exit 2 ;;
  esac
done
case "$kind" in
  steady|capacity|plugins|reference|smoke|metrics|accesslog|memory|soak|saturation|flood|overload|warmup|warmup-gate) ;;
  *) sed -n '2,26p' "$0"; exit 2 ;;
esac

echo "loadtest/run.sh: building the router, the plugin SDK and the load tests ..." >&2
mvn -B -q -ntp -DskipTests -pl router/dist,plugins/sdk,loadtest -am package >&2
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cp="$top/loadtest/target/classes:$(cat "$top/loadtest/target/classpath.txt")"
sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
out="$top/perf-reports/loadtest/$(date -u +%Y-%m-%d)-$sha-$kind"
[ "$kind" = smoke ] && out="$top/loadtest/target/smoke"
[ "$kind" = warmup-gate ] && out="$top/loadtest/target/warmup-gate"
# A second run of the same kind on the same commit and day gets its own folder: a committed or
# not-yet-copied report is never overwritten.
if [ "$kind" != smoke ] && [ "$kind" != warmup-gate ] && [ -e "$out" ]; then
  out="$out-$(date -u +%H%M%S)"
fi
rm -rf "$out"; mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

server_cpu=(); load_cpu=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c 0); load_cpu=(taskset -c 1)
  pinning="servers on core 0, Gatling on core 1 (taskset)"
else
  pinning="not pinned (fewer than 2 cores or no taskset)"
fi
port=15520

# A config for the router under test: the bundled config's tuning on a loopback port, outcome
# lines off (warn), plus optional plugins.
router_config() { # NAME [PLUGINS_YAML]
  local f="$work/$1.yaml"
  sed -e "s/^listen: .*/listen: \"127.0.0.1:$port\"/" router/config/hyrouter.yaml > "$f"
  # Gatling is one client address: per-address limits off. Retry off so capacity figures measure the
  # referral path and stay comparable across reports (Retry auto is the flood defence, measured on its own).
  printf '\nlimits: {max_connections_per_ip: 0, new_connections_per_ip: 0, retry: never}\n' >> "$f"
  [ -n "${2:-}" ] && printf '\nplugins:\n%s\n' "$2" >> "$f"
  echo "$f"
}

# The example plugins, as every kind that compares them configures them (plugins, warmup, soak);
# grpc needs the SDK's example server on 127.0.0.1:17777.
wat="  - {name: wat, type: wasm, stage: mutate, timeout: 1s, wasm: {path: plugins/examples/wat-plugin/plugin.wasm}}"
cw="  - {name: c, type: wasm, stage: mutate, timeout: 1s, wasm: {path: plugins/examples/c-plugin/plugin.wasm}}"
grpc="  - {name: grpc, type: grpc, stage: deny, timeout: 1s, grpc: {address: 127.0.0.1:17777}}"

warmup_run() { # VARIANT ROUND CURVE_FILE BUCKETS: one fresh router, its warm-up curve appended to CURVE_FILE
  # KIND[+warm[N]]: the plugin kind, and with +warm the router's own warm-up before ready
  # (warmup.sessions N, default 15,000); the curve then starts when /readyz says ready.
  local v="$1" r="$2" curve="$3" n kind_ cfg t0 pid rc=0
  kind_="${v%%+*}"
  case "$kind_" in
    none) cfg=$(router_config "$v") ;;
    wat) cfg=$(router_config "$v" "$wat") ;;
    c) cfg=$(router_config "$v" "$cw") ;;
    grpc) cfg=$(router_config "$v" "$grpc") ;;
    *) echo "loadtest/run.sh: unknown warm-up variant $v (none, wat, c, grpc, each optionally +warm or +warmN)" >&2; exit 2 ;;
  esac
  printf '\nadmin: {listen: "127.0.0.1:19521"}\n' >> "$cfg"
  if [[ "$v" == *+warm* ]]; then
    n="${v##*+warm}"
    printf 'warmup: {sessions: %s}\n' "${n:-15000}" >> "$cfg"
  fi
  t0=$(date +%s%N)
  "${server_cpu[@]}" "$java_bin" "${router_gc:--XX:+UseParallelGC}" "${router_jit[@]+"${router_jit[@]}"}" "${router_extra[@]+"${router_extra[@]}"}" -Dio.netty.leakDetection.level="$leak" \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$router_jar" -config "$cfg" -log-level warn > "$work/$v-$r.log" 2>&1 &
  pid=$!; pids+=("$pid")
  "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.WarmupCurve \
    "127.0.0.1:$port" play.localhost "$pid" "$t0" "$4" 1000 16 http://127.0.0.1:19521/readyz > "$work/$v-$r.jsonl" 2> "$work/$v-$r.client.log" || rc=$?
  stop "$pid"
  cp "$work/$v-$r.log" "$out/$v-$r.log"
  while read -r line; do
    printf '{"variant":"%s","round":%s,%s\n' "$v" "$r" "${line#\{}" >> "$curve"
  done < "$work/$v-$r.jsonl"
  return "$rc"
}

wait_ready() { # PID LOG
  for _ in $(seq 1 100); do
    if "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe --target "127.0.0.1:$port" --sni play.localhost --timeout 2s >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$1" 2>/dev/null || { cat "$2" >&2; echo "loadtest/run.sh: the server exited" >&2; return 1; }
    sleep 0.3
  done
  cat "$2" >&2; echo "loadtest/run.sh: the server did not answer within 30 s" >&2; return 1
}

started_pid=""
router_jar="${HYROUTER_JAR:-router/dist/target/hyrouter.jar}"
# The launcher's JIT priority (router/hyrouter: compiler threads at nice 19 when run as root); ROUTER_JIT=normal drops it.
router_jit=()
# ROUTER_FLAGS: more JVM flags for the router under test (a diagnostic or a candidate setting), after the launcher's.
read -r -a router_extra <<< "${ROUTER_FLAGS:-}"
[ "${ROUTER_JIT:-low}" = low ] && [ "$(id -u)" = 0 ] && router_jit=(-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=1 -XX:JavaPriority1_To_OSPriority=19)
start_router() { # CONFIG LOG [LOG_LEVEL]
  "${server_cpu[@]}" "${router_java:-$java_bin}" "${router_gc:--XX:+UseParallelGC}" "${router_jit[@]+"${router_jit[@]}"}" "${router_extra[@]+"${router_extra[@]}"}" ${heap:+-Xmx$heap} -Dio.netty.leakDetection.level="$leak" \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$router_jar" -config "$1" -log-level "${3:-warn}" > "$2" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
  wait_ready "$started_pid" "$2"
}

start_bare() { # CONFIG LOG
  "${server_cpu[@]}" "$java_bin" -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.BareQuicServer "$1" > "$2" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
  wait_ready "$started_pid" "$2"
}

start_untuned() { # LOG [--request-client-certificate]
  # Netty's example as a user copies it: no tuning, its own JVM defaults (no collector chosen).
  "${server_cpu[@]}" "$java_bin" -Dio.netty.leakDetection.level=disabled \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.UntunedQuicServer "$port" ${2:-} > "$1" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
  wait_ready "$started_pid" "$1"
}

stop() { # PID
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

cpu_ticks() { # PID -> utime+stime in clock ticks (/proc/PID/stat fields 14 and 15)
  awk '{print $14 + $15}' "/proc/$1/stat"
}

thread_ns() { # PID -> "TID<TAB>NAME<TAB>NANOSECONDS" per live thread (schedstat's first field: time on a CPU)
  local d
  for d in /proc/"$1"/task/*; do
    printf '%s\t%s\t%s\n' "${d##*/}" "$(cat "$d/comm" 2>/dev/null)" "$(awk '{print $1}' "$d/schedstat" 2>/dev/null)"
  done
}

thread_delta() { # BEFORE AFTER -> "GROUP<TAB>SECONDS": per thread name with numbers folded to #, threads born meanwhile counted whole
  awk -F'\t' 'NR == FNR { before[$1] = $3; next }
    $3 != "" { name = $2; gsub(/[0-9]+/, "#", name); cpu[name] += ($3 - ($1 in before ? before[$1] : 0)) / 1e9 }
    END { for (n in cpu) printf "%s\t%.6f\n", n, cpu[n] }' "$1" "$2"
}

rss_kib() { # PID
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# The router's admin listener in the configs that need /metrics, and what it exposes.
admin_port=19520
with_admin() { # CONFIG: adds the admin listener
  printf '\nadmin:\n  listen: "127.0.0.1:%s"\n' "$admin_port" >> "$1"
}
metrics_text() { # -> the /metrics page, now (nothing while no_admin=1: a server without the listener)
  [ "${no_admin:-0}" = 1 ] && return 0
  exec 3<>/dev/tcp/127.0.0.1/$admin_port && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3; exec 3<&-
}
metric_sum() { # METRIC [FILE] -> one exact sample (name{labels}), or the sum over every label set of a bare name; from FILE or /metrics now
  { if [ -n "${2:-}" ]; then cat "$2"; else metrics_text; fi; } | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%.12g\n", s}'
}
jcmd_bin="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"

gatling() { # SIMULATION NAME [-Dkey=value...]
  local sim="$1" name="$2"; shift 2
  "${load_cpu[@]}" "$java_bin" -Xmx2g --add-opens=java.base/java.lang=ALL-UNNAMED -Dlogback.configurationFile=logback-loadtest.xml -Dhyrouter.target="${target:-127.0.0.1:$port}" -Dhyrouter.sessionLog="$out/$name.csv" "$@" \
    -cp "$cp" io.gatling.app.Gatling -s "dev.hyrouter.loadtest.simulations.$sim" -rf "$out/gatling" -rd "$name"
}

# One measured steady run against the server of PID: prints LABEL=CSV,CPU_SECONDS,RSS_KIB.
measured_steady() { # LABEL PID NAME EXTRA_D...
  local label="$1" pid="$2" name="$3"; shift 3
  local t0 t1 hz
  hz=$(getconf CLK_TCK)
  if [ "$warmup" -gt 0 ]; then
    gatling SteadySimulation "$name-warmup" -Dhyrouter.rate="$rate" -Dhyrouter.duration="$warmup" -Dhyrouter.p99Ms=100000 "$@" >&2 || true
    rm -rf "$out/$name-warmup.csv" "$out/gatling/$name-warmup"
  fi
  thread_ns "$pid" > "$work/$name.threads0"
  t0=$(cpu_ticks "$pid")
  local rc=0
  gatling SteadySimulation "$name" -Dhyrouter.rate="$rate" -Dhyrouter.duration="$duration" -Dhyrouter.p99Ms="$p99" "$@" >&2 || rc=$?
  t1=$(cpu_ticks "$pid")
  thread_ns "$pid" > "$work/$name.threads1"
  thread_delta "$work/$name.threads0" "$work/$name.threads1" > "$out/$name.threads.tsv"
  echo "$label=$out/$name.csv,$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.3f", (b - a) / hz}'),$(rss_kib "$pid"),$out/$name.threads.tsv"
  return $rc
}

# One router variant of an alternating round: start it, add a measured steady run to runs[], stop it.
router_round() { # LABEL CONFIG NAME LOG_LEVEL [EXTRA_D...]
  local label="$1" cfg="$2" name="$3" level="$4"; shift 4
  start_router "$cfg" "$work/$name.log" "$level"
  runs+=("$(measured_steady "$label" "$started_pid" "$name" "$@")") || status=$?
  stop "$started_pid"
}

# Reports name the jar they measured when it is not this checkout's.
jar_note="${HYROUTER_JAR:+HYROUTER_JAR=$HYROUTER_JAR }"

environment() {
  {
    echo "| environment | |"
    echo "|---|---|"
    echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
    echo "| git | $sha$( [ -n "$(git status --porcelain -- . ':!perf-reports' 2>/dev/null)" ] && echo ' (dirty)') |"
    echo "| cpu | $(awk -F: '/model name/ {gsub(/^ /, "", $2); print $2; exit}' /proc/cpuinfo) × $(nproc) cores |"
    echo "| jdk | $("$java_bin" -version 2>&1 | head -1) |"
    echo "| pinning | $pinning |"
    case "$kind" in
      soak|saturation) echo "| load | hyrouter probe: the project's Netty QUIC client, closed loop, 64 sessions in flight |" ;;
      overload) echo "| load | OpenLoop (loadtest): the project's Netty QUIC client, full handshakes, 5 s timeout per session; closed loop of 16 to warm and measure C, then open loop at fixed rates |" ;;
      warmup) echo "| load | WarmupCurve (loadtest): the project's Netty QUIC client, a session every 20 ms from launch until answered, then a closed loop of 16, full handshakes, buckets of 1,000 sessions; server CPU from /proc/PID |" ;;
      *) echo "| load | Gatling 3.14.9, open model (constant or stepped sessions/s), one shared QUIC client |" ;;
    esac
  } > "$out/environment.md"
}
environment
status=0

case "$kind" in
  steady)
    if [ -n "$target" ]; then
      gatling SteadySimulation steady -Dhyrouter.rate="$rate" -Dhyrouter.duration="$duration" -Dhyrouter.p99Ms="$p99" || status=$?
      exit $status
    fi
    cfg=$(router_config router)
    start_router "$cfg" "$work/router.log"
    run=$(measured_steady router "$started_pid" steady) || status=$?
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Steady load: $rate sessions/s for $duration s" \
      "loadtest/run.sh steady --rate $rate --duration $duration" "$out/environment.md" "$run"
    ;;
  reference|smoke)
    [ "$kind" = smoke ] && { rate=150; duration=15; rounds=1; p99=5000; }
    cfg=$(router_config router)
    runs=()
    for r in $(seq 1 "$rounds"); do
      router_round router "$cfg" "router-$r" warn
      start_bare "$cfg" "$work/bare-$r.log"; pid=$started_pid
      runs+=("$(measured_steady bare "$pid" "bare-$r")") || status=$?
      stop "$pid"
    done
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Router vs bare QUIC: $rate sessions/s for $duration s, $rounds round(s)" \
      "${jar_note}loadtest/run.sh $kind --rate $rate --duration $duration --rounds $rounds" "$out/environment.md" "${runs[@]}"
    ;;
  metrics)
    cfg=$(router_config router)
    cfg_admin=$(router_config admin)
    with_admin "$cfg_admin"
    runs=()
    for r in $(seq 1 "$rounds"); do
      router_round router "$cfg" "router-$r" warn
      start_router "$cfg_admin" "$work/admin-$r.log"; pid=$started_pid
      # A Prometheus-like scraper on the load generator's core: GET /metrics every second, with bash alone.
      "${load_cpu[@]}" bash -c 'while :; do exec 3<>/dev/tcp/127.0.0.1/'"$admin_port"' && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3 >/dev/null; exec 3<&-; sleep 1; done' &
      scraper=$!; pids+=("$scraper")
      runs+=("$(measured_steady router+metrics-scraped-1s "$pid" "scraped-$r")") || status=$?
      kill "$scraper" 2>/dev/null || true
      stop "$pid"
    done
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Metrics overhead: $rate sessions/s for $duration s, $rounds round(s), /metrics scraped every second" \
      "${jar_note}loadtest/run.sh metrics --rate $rate --duration $duration --rounds $rounds --warmup $warmup" "$out/environment.md" "${runs[@]}"
    ;;
  accesslog)
    # The same router with the access log off, on standard output (redirected to a file, as a container
    # runtime would), and as a JSON-lines file; -log-level info so standard output takes the lines.
    runs=()
    for r in $(seq 1 "$rounds"); do
      for variant in ${variants//,/ }; do
        cfg=$(router_config "access-$variant")
        access=""
        case "$variant" in
          off) access="off"; level=info ;;
          warn) level=warn ;; # an older build without logging.access_log: the lines silenced by the level
          stdout) access="stdout"; level=info ;;
          info) level=info ;; # an older build: the lines at info through Logback
          file) access="$work/access-$r.jsonl"; level=info ;;
          *) echo "loadtest/run.sh: unknown access-log variant $variant (off, stdout, file; warn, info for older builds)" >&2; exit 2 ;;
        esac
        # Into the bundled config's own logging section (a second one would be a duplicate key).
        [ -n "$access" ] && sed -i "s|^  log_client_ip: false\$|  log_client_ip: false\n  access_log: \"$access\"|" "$cfg"
        router_round "access-log-$variant" "$cfg" "$variant-$r" "$level"
        lines=$( { [ "$variant" = file ] && cat "$work/access-$r.jsonl" 2>/dev/null || cat "$work/$variant-$r.log"; } | grep -c '"event"\|outcome - ' || true)
        echo "loadtest/run.sh: $variant round $r wrote $lines access-log line(s)" >&2
      done
    done
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Access log cost: $rate sessions/s for $duration s, $rounds round(s), warm-up $warmup s" \
      "${jar_note}loadtest/run.sh accesslog --rate $rate --duration $duration --rounds $rounds --warmup $warmup --variants $variants" "$out/environment.md" "${runs[@]}"
    ;;
  flood)
    # Legitimate clients (Gatling, open model, --rate sessions/s from 127.0.0.1) while a handshake flood
    # (HandshakeFlood: real Initials, nothing read back, from 200 source addresses 127.0.0.3+, or from one)
    # hits the router, under each Retry mode. The per-address rate limit is on (1,000 new/s per address, so
    # the legitimate load passes and a single flooding address does not).
    [ "$variants" = "off,stdout,file" ] && variants="none,retry-never,retry-auto,retry-always,one-source"
    side="$out/flood.tsv"
    printf 'variant\tround\tinitials_started\trouter_cpu_util\tpeak_rss_mib\trss_mib\tretries_sent\trefused\thandshakes_failed\n' > "$side"
    runs=()
    for r in $(seq 1 "$rounds"); do
      for variant in ${variants//,/ }; do
        retry=never; sources=200
        case "$variant" in
          none|retry-never) ;;
          retry-auto) retry=auto ;;
          retry-always) retry=always ;;
          one-source) sources=1 ;;
          *) echo "loadtest/run.sh: unknown flood variant $variant" >&2; exit 2 ;;
        esac
        cfg=$(router_config "flood-$variant")
        # Concurrent connections per address off: Gatling is one address whose closed connections stay counted
        # through QUIC's draining period (about 1 s), so 200 sessions/s would meet the default 256.
        sed -i "s/^limits: .*/limits: {max_connections_per_ip: 0, new_connections_per_ip: 1000, new_connections_per_ip_burst: 1000, retry: $retry}/" "$cfg"
        with_admin "$cfg"
        start_router "$cfg" "$work/flood-$variant-$r.log"; pid=$started_pid
        flooder=""
        if [ "$variant" != none ]; then
          "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.HandshakeFlood \
            "127.0.0.1:$port" "$flood_rate" "$(( duration + warmup + 15 ))" "$sources" > "$work/flood.json" 2> "$work/flood.err" &
          flooder=$!; pids+=("$flooder")
          sleep 3
        fi
        # Half-open connections (Initial seen, handshake never finished) are not counted as open connections;
        # what they cost shows in the router's memory, sampled every second.
        ( peak=0; while kill -0 "$pid" 2>/dev/null; do o=$(( $(rss_kib "$pid" 2>/dev/null || echo 0) / 1024 ))
            [ "$o" -gt "$peak" ] && peak=$o && echo "$peak" > "$work/peak"; sleep 1; done ) &
        sampler=$!; echo 0 > "$work/peak"
        t0=$(cpu_ticks "$pid"); s0=$(date +%s)
        runs+=("$(measured_steady "flood:$variant" "$pid" "$variant-$r")") || status=$?
        t1=$(cpu_ticks "$pid"); s1=$(date +%s)
        retries=$(metric_sum hyrouter_retries_sent_total); refused=$(metric_sum hyrouter_refused_total); failed=$(metric_sum hyrouter_handshakes_failed_total)
        rss=$(( $(rss_kib "$pid") / 1024 ))
        [ -n "$flooder" ] && { wait "$flooder" || true; }
        kill "$sampler" 2>/dev/null || true
        stop "$pid"
        initials=$([ -n "$flooder" ] && sed -E 's/.*"initials_started":([0-9]+).*/\1/' "$work/flood.json" || echo 0)
        printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$r" "$initials" \
          "$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v e="$(( s1 - s0 ))" 'BEGIN {printf "%.2f", (b - a) / hz / e}')" \
          "$(cat "$work/peak")" "$rss" "${retries%.*}" "${refused%.*}" "${failed%.*}" >> "$side"
        echo "loadtest/run.sh: flood $variant round $r: $(tail -1 "$side")" >&2
      done
    done
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Handshake flood: legitimate $rate sessions/s for $duration s while $flood_rate Initials/s flood, $rounds round(s)" \
      "${jar_note}loadtest/run.sh flood --rate $rate --flood-rate $flood_rate --duration $duration --rounds $rounds --warmup $warmup --variants $variants" "$out/environment.md" "${runs[@]}"
    {
      echo
      echo "The router's side of each run (\`flood.tsv\`; CPU is the share of the router's one core over the measured run, which"
      echo "includes the flood; peak RSS is sampled every second: half-open connections hold memory, not an open-connection slot):"
      echo
      echo "| variant | round | Initials sent | router core busy | peak RSS MiB | RSS at end MiB | Retry sent | refused by a limit | handshakes failed |"
      echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
      awk -F'\t' 'NR > 1 {printf "| %s | %s | %s | %.0f %% | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4 * 100, $5, $6, $7, $8, $9}' "$side"
    } >> "$out/summary.md"
    cat "$out/summary.md"
    ;;
  saturation)
    # Router-bound runs: the closed-loop probe client (Netty QUIC, 64 sessions in flight) on core 1 keeps
    # the router's one core busy, so sessions/s is the router's capacity on that core and CPU per session
    # its cost; the server-side latencies come from the router's own histograms (/metrics bucket deltas
    # over the measured run), so the client's share of the box does not enter them.
    count="${count:-20000}"
    # --warmup N: sessions before each measured run (default a quarter of --count). The gRPC path
    # needs more than the default before the JIT is done with it (perf-reports/dataplane/2026-11-30-tls-sessions.md).
    warm=$(( warmup > 0 ? warmup : count / 4 ))
    [ "$variants" = "off,stdout,file" ] && variants="none,wat,c,grpc,loop"
    sdk_jar=$(ls plugins/sdk/target/hyrouter-plugin-sdk-*-all.jar | head -1)
    "${load_cpu[@]}" "$java_bin" -jar "$sdk_jar" --listen 127.0.0.1:17777 > "$work/grpc-plugin.log" 2>&1 &
    pids+=($!)
    # BEFORE AFTER METRIC [LABEL_FILTER] -> "count le50us le1ms p99_bound_us p999_bound_us": bucket deltas of one histogram
    hist_delta() {
      awk -v m="$3_bucket" -v f="${4:-}" '
        function le(line) { match(line, /le="[^"]*"/); return substr(line, RSTART + 4, RLENGTH - 5) }
        index($1, m "{") == 1 && (f == "" || index($1, f) > 0) { v = le($1); key = (v == "+Inf") ? 1e9 : v + 0
          if (FNR == NR) { before[key] += $2 } else { if (!(key in after)) order[++n] = key; after[key] += $2 } }
        END { total = n ? after[1e9] - before[1e9] : 0; a50 = 0; a1 = 0; p99 = "inf"; p999 = "inf"
          for (i = 1; i <= n; i++) { b = order[i]; d = after[b] - before[b]   # buckets come in ascending order
            if (b <= 0.00005 + 1e-12) a50 = d; if (b <= 0.001 + 1e-12) a1 = d
            if (p99 == "inf" && total > 0 && d >= 0.99 * total && b < 1e9) p99 = sprintf("%g", b * 1e6)
            if (p999 == "inf" && total > 0 && d >= 0.999 * total && b < 1e9) p999 = sprintf("%g", b * 1e6) }
          printf "%d %.4f %.4f %s %s\n", total, total ? a50 / total : 0, total ? a1 / total : 0, p99, p999 }' "$1" "$2"
    }
    rows="$out/rounds.tsv"
    printf 'variant\tround\tsessions\tfailed\tsessions_per_s\trouter_cpu_util\tcpu_us_per_session\tanswers\tanswer_le50us\tanswer_le1ms\tanswer_p99_bucket_us\tplugin_calls\tcall_le50us\tcall_p99_bucket_us\tmax_overshoot_ms (interrupts more than 1 ms late)\tdatagrams_in\tdatagrams_out\tbytes_in\tbytes_out\tloop_cpu_us_per_session\tloop_alloc_bytes_per_session\tall_alloc_bytes_per_session\tclient_p99_ms\tclient_p999_ms\thandshake_p99_bucket_us\thandshake_p999_bucket_us\tresumed_share\n' > "$rows"
    hz=$(getconf CLK_TCK)
    probe() { # COUNT: a closed-loop run of the project's client on the load core
      "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe \
        --target "127.0.0.1:$port" --sni play.localhost --count "$1" --concurrency 64 --timeout 30s --handshake "${handshake:-full}"
    }
    for r in $(seq 1 "$rounds"); do
      for variant in ${variants//,/ }; do
        handshake=full; server=router
        case "$variant" in
          none) plugin="" ;;
          wat) plugin="  - {name: wat, type: wasm, stage: mutate, timeout: 1s, wasm: {path: plugins/examples/wat-plugin/plugin.wasm}}" ;;
          c) plugin="  - {name: c, type: wasm, stage: mutate, timeout: 1s, wasm: {path: plugins/examples/c-plugin/plugin.wasm}}" ;;
          grpc) plugin="  - {name: grpc, type: grpc, stage: deny, timeout: 1s, grpc: {address: 127.0.0.1:17777}}" ;;
          # Never returns: every call is ended by the watchdog at its 5 ms deadline, on the loop that made it.
          loop) plugin="  - {name: loop, type: wasm, timeout: 5ms, wasm: {path: plugins/wasm/src/test/wat/loop.wasm, max_calls_per_instance: 0}}" ;;
          # The same with the event loop alone on the router's core: the JVM's other threads (JIT, GC,
          # watchdog, admin) moved to the load core once the router is up, so what is left of an
          # overshoot is the plugin's, not the scheduler's.
          loop-alone) plugin="  - {name: loop, type: wasm, timeout: 5ms, wasm: {path: plugins/wasm/src/test/wat/loop.wasm, max_calls_per_instance: 0}}"; loop_alone=1 ;;
          # The data plane's socket options, no plugin: base (one datagram per syscall, no GSO), mmsgN
          # (recvmmsg, N per read), gsoN (GSO, up to N segments), gro, or several joined with +.
          # The collector, no plugin: the router's default (Parallel) against G1 and ZGC.
          # The TLS handshake, no plugin: every session a full handshake (the default of every other
          # variant: Hytale clients are not known to resume), the client resuming with the router's
          # tickets, or resuming with 0-RTT offered (quic.early_data on; Netty's client still sends its
          # Connect after the handshake: router/docs/operations.md "TLS sessions").
          full) plugin=""; handshake=full ;;
          # The reference: the project's minimal Netty QUIC answerer (BareQuicServer, Netty's defaults,
          # the same TLS context and answer), full handshakes; it has no /metrics, so only CPU and
          # datagram columns apply.
          bare) plugin=""; handshake=full; server=bare ;;
          # The untuned reference (UntunedQuicServer: Netty's example and defaults, one NIO loop, its own
          # JVM defaults), and the same asking for a client certificate as the protocol requires.
          untuned) plugin=""; handshake=full; server=untuned ;;
          untuned-certreq) plugin=""; handshake=full; server=untuned; untuned_args=--request-client-certificate ;;
          # The router as bundled: outcome lines on (info), and without the client-certificate request.
          log) plugin=""; router_level=info ;;
          nocert) plugin=""; tls_keys='  client_certificates: "off"' ;;
          # The router on JDK 25 (JDK25_HOME, default Temurin's Debian path); every other variant runs on java_bin.
          jdk25) plugin=""; router_java="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" ;;
          resume) plugin=""; handshake=resume ;;
          0rtt) plugin=""; handshake=0rtt; quic_keys="  early_data: true\n" ;;
          parallel) plugin=""; router_gc=-XX:+UseParallelGC ;;
          g1) plugin=""; router_gc=-XX:+UseG1GC ;;
          zgc) plugin=""; router_gc=-XX:+UseZGC ;;
          base|mmsg*|gso*|gro|*+*) plugin=""; quic_keys=""
            for part in ${variant//+/ }; do
              case "$part" in
                base) quic_keys="$quic_keys  datagrams_per_read: 1\n  gso_segments: 0\n  udp_gro: false\n" ;;
                mmsg[0-9]*) quic_keys="$quic_keys  datagrams_per_read: ${part#mmsg}\n" ;;
                gso[0-9]*) quic_keys="$quic_keys  gso_segments: ${part#gso}\n" ;;
                gro) quic_keys="$quic_keys  udp_gro: true\n" ;;
                *) echo "loadtest/run.sh: unknown data-plane part $part in $variant (base, mmsgN, gsoN, gro)" >&2; exit 2 ;;
              esac
            done ;;
          *) echo "loadtest/run.sh: unknown saturation variant $variant (none, wat, c, grpc, loop, loop-alone; base, mmsgN, gsoN, gro joined with +; parallel, g1, zgc; full, resume, 0rtt, bare, untuned, untuned-certreq, log, nocert)" >&2; exit 2 ;;
        esac
        cfg=$(router_config "sat-$variant" "$plugin")
        [ -n "${quic_keys:-}" ] && sed -i "s/^  max_idle_timeout: 30s\$/  max_idle_timeout: 30s\n$quic_keys/" "$cfg"
        [ -n "${tls_keys:-}" ] && sed -i "s/^tls:\$/tls:\n$tls_keys/" "$cfg"
        quic_keys=""; tls_keys=""
        if [ "${server:-router}" = bare ]; then
          start_bare "$cfg" "$work/sat-$variant-$r.log"; pid=$started_pid; no_admin=1 # its metric columns read 0
        elif [ "$server" = untuned ]; then
          start_untuned "$work/sat-$variant-$r.log" "${untuned_args:-}"; pid=$started_pid; no_admin=1; untuned_args=""
        else
          with_admin "$cfg"
          start_router "$cfg" "$work/sat-$variant-$r.log" "${router_level:-warn}"; pid=$started_pid; router_gc=""; router_level=""; router_java=""
          if [ "${loop_alone:-0}" = 1 ] && [ ${#load_cpu[@]} -gt 0 ]; then
            for task in /proc/"$pid"/task/*; do
              case "$(cat "$task/comm")" in hyrouter-quic*) ;; *) taskset -p -c "${load_cpu[2]}" "${task##*/}" > /dev/null ;; esac
            done
          fi
          loop_alone=0
        fi
        probe "$warm" > /dev/null 2>&1 || true # warm-up (JIT), unmeasured
        metrics_text > "$work/m0"; t0=$(cpu_ticks "$pid"); thread_ns "$pid" > "$work/th0"
        probe "$count" > "$work/probe.json" 2> "$work/probe.err" || status=$?
        t1=$(cpu_ticks "$pid"); thread_ns "$pid" > "$work/th1"; metrics_text > "$work/m1"
        # The QUIC event loop alone (hyrouter-quic-*; Netty's default name before b5c1b15, cut to 15
        # characters by the kernel): steadier than the process total, which also carries GC, JIT and the admin listener.
        loop_s=$(thread_delta "$work/th0" "$work/th1" | awk -F'\t' '$1 ~ /^(hyrouter-quic|multiThreadIoEv)/ {s += $2} END {printf "%.6f", s}')
        # Heap allocated per session: by the loops, and by every thread (the router's exact per-thread counters).
        alloc_loop=$(( $(metric_sum 'hyrouter_thread_allocated_bytes_total{threads="hyrouter-quic-#-#"}' "$work/m1" | cut -d. -f1) - $(metric_sum 'hyrouter_thread_allocated_bytes_total{threads="hyrouter-quic-#-#"}' "$work/m0" | cut -d. -f1) ))
        alloc_all=$(( $(metric_sum hyrouter_thread_allocated_bytes_total "$work/m1" | cut -d. -f1) - $(metric_sum hyrouter_thread_allocated_bytes_total "$work/m0" | cut -d. -f1) ))
        stop "$pid"
        no_admin=0
        read -r sessions failed sps elapsed < <(sed -E 's/.*"sessions":([0-9]+).*"failed":([0-9]+).*"elapsed_s":([0-9.eE+-]+).*"sessions_per_s":([0-9.eE+-]+).*/\1 \2 \4 \3/' "$work/probe.json")
        read -r cl99 cl999 < <(sed -E 's/.*"p99":([0-9.eE+-]+),"p999":([0-9.eE+-]+).*/\1 \2/' "$work/probe.json")
        resumed=$(sed -E 's/.*"resumed":([0-9]+).*/\1/' "$work/probe.json"); case "$resumed" in ''|*[!0-9]*) resumed=0 ;; esac
        read -r dg_in dg_out by_in by_out < <(sed -E 's/.*"datagrams_per_session":\{"sent":([0-9.eE+-]+),"received":([0-9.eE+-]+),"bytes_sent":([0-9.eE+-]+),"bytes_received":([0-9.eE+-]+)\}.*/\1 \2 \3 \4/' "$work/probe.json")
        read -r answers a50 a1 ap99 _ < <(hist_delta "$work/m0" "$work/m1" hyrouter_answer_latency_seconds)
        read -r calls c50 _ cp99 _ < <(hist_delta "$work/m0" "$work/m1" hyrouter_plugin_call_latency_seconds)
        read -r _ _ _ hp99 hp999 < <(hist_delta "$work/m0" "$work/m1" hyrouter_handshake_latency_seconds)
        overshoot=$(awk '$1 ~ /^hyrouter_wasm_max_overshoot_seconds/ {printf "%.3f", $2 * 1000}' "$work/m1")
        # Endless plugin: how many of the run's deadline interrupts came more than 1 ms late.
        interrupts=$(( $(metric_sum hyrouter_wasm_deadline_interrupts_total "$work/m1") - $(metric_sum hyrouter_wasm_deadline_interrupts_total "$work/m0") ))
        late=$(( $(metric_sum hyrouter_wasm_late_interrupts_total "$work/m1") - $(metric_sum hyrouter_wasm_late_interrupts_total "$work/m0") ))
        [ "$interrupts" -gt 0 ] && overshoot="$overshoot ($late of $interrupts late)"
        printf '%s\t%d\t%d\t%d\t%.0f\t%.2f\t%.0f\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%.3f\n' "$variant" "$r" "$sessions" "$failed" "$sps" \
          "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v e="$elapsed" 'BEGIN {print (b - a) / hz / e}')" \
          "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v n="$sessions" 'BEGIN {print (b - a) / hz * 1e6 / n}')" \
          "$answers" "$a50" "$a1" "$ap99" "$calls" "$c50" "$cp99" "${overshoot:--}" "$dg_in" "$dg_out" "$by_in" "$by_out" "$(awk -v l="$loop_s" -v n="$sessions" 'BEGIN {print l * 1e6 / n}')" \
          "$(( alloc_loop / sessions ))" "$(( alloc_all / sessions ))" "$cl99" "$cl999" "$hp99" "$hp999" \
          "$(awk -v a="$resumed" -v n="$sessions" 'BEGIN {print n ? a / n : 0}')" >> "$rows"
        echo "loadtest/run.sh: saturation $variant round $r: $(tail -1 "$rows")" >&2
      done
    done
    {
      echo "# Saturation: the router's core kept busy by a closed-loop client, $count sessions per run, $rounds round(s)"
      echo
      cat "$out/environment.md"
      echo
      echo "Command: \`${jar_note}loadtest/run.sh saturation --count $count --rounds $rounds --variants $variants$( [ "$warmup" -gt 0 ] && echo " --warmup $warmup")\`"
      echo
      echo "Client: \`hyrouter probe --count $count --concurrency 64\` (Netty QUIC, closed loop) on core 1 with the gRPC plugin server;"
      echo "router alone on core 0, one event loop, access log at warn; a warm-up of $warm sessions before each measured run."
      echo "Latencies are the router's own histograms (bucket deltas over the measured run): answer = Connect complete → answer"
      echo "written; call = one plugin call. \"≤ 50 µs\" is the share of samples in buckets up to 50 µs; p99 is the smallest bucket"
      echo "bound holding 99 % of the samples (an upper bound on the p99)."
      echo
      echo "Rounds: [\`rounds.tsv\`](rounds.tsv)."
      echo
      echo "Handshake p99/p999 are bucket bounds of the router's handshake-latency histogram (connection start → handshake complete); client p99/p999 are the probe's session latencies (its core is the bottleneck)."
      echo "Datagrams and bytes per session are counted by the client at its sockets: \"in\" is what the router received, \"out\" what it sent."
      echo "Data-plane variants (no plugin): base = one datagram per system call and no GSO; mmsgN = \`quic.datagrams_per_read: N\`;"
      echo "gsoN = \`quic.gso_segments: N\`; gro = \`quic.udp_gro: true\`; the first variant is the baseline of the \"vs\" columns."
      echo "Every session is a full TLS handshake (\`--handshake full\`) except in the variants resume (the client keeps the router's"
      echo "tickets and resumes) and 0rtt (resumes with 0-RTT offered, router \`quic.early_data: true\`; Netty's client sends its Connect after the handshake all the same); \"sessions resumed\""
      echo "is the share the client saw resume (its ticket cache holds one ticket per server name, and a ticket is used once)."
      echo "bare = the reference server (BareQuicServer: Netty's defaults, the same TLS context and answer; no /metrics, so its latency,"
      echo "allocation and handshake columns are empty). untuned = UntunedQuicServer (Netty's QUIC example with its defaults, one NIO"
      echo "loop, its own JVM defaults: what a user writes untuned); untuned-certreq = the same asking for a client certificate, as the"
      echo "protocol requires of a Hytale server. log = the router with its outcome lines on (info, as bundled); nocert = the router"
      echo "with \`tls.client_certificates: off\`; jdk25 = the router at warn on JDK 25. Every other router variant runs at warn."
      echo
      echo "| variant | median sessions/s | vs first | router core busy | median CPU µs/session | vs first (µs) | answers ≤ 50 µs | answer p99 ≤ µs | calls ≤ 50 µs | call p99 ≤ µs | max overshoot ms (late interrupts) | datagrams in / out per session | bytes in / out per session | event loop CPU µs/session | vs first (µs) | heap allocated per session: loops / all threads (bytes) | client session p99 / p999 ms | handshake p99 / p999 ≤ µs | sessions resumed |"
      echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      awk -F'\t' 'NR > 1 { v = $1; order[v] = order[v] ? order[v] : ++nv; names[order[v]] = v; n[v]++
          sps[v, n[v]] = $5; util[v, n[v]] = $6; cpu[v, n[v]] = $7; a50[v, n[v]] = $9; ap99[v, n[v]] = $11; c50[v, n[v]] = $13; cp99[v, n[v]] = $14; os[v] = $15
          di[v, n[v]] = $16; do_[v, n[v]] = $17; bi[v, n[v]] = $18; bo[v, n[v]] = $19; lc[v, n[v]] = $20; al[v, n[v]] = $21; aa[v, n[v]] = $22; q99[v, n[v]] = $23; q999[v, n[v]] = $24; h99[v, n[v]] = $25; h999[v, n[v]] = $26; rs[v, n[v]] = $27 }
        function med(arr, v,   i, j, m, t, x) { m = n[v]; for (i = 1; i <= m; i++) x[i] = arr[v, i] + 0
          for (i = 2; i <= m; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
          return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2 }
        END { base = names[1]; bs = med(sps, base); bc = med(cpu, base); bl = med(lc, base)
          for (i = 1; i <= nv; i++) { v = names[i]; s = med(sps, v); c = med(cpu, v); plain = (v == "none" || v ~ /^(base|mmsg|gso|gro|parallel|g1|zgc|full|resume|0rtt|bare|untuned|log|nocert|jdk25)/)
            printf "| %s | %.0f | %s | %.0f %% | %.0f | %s | %.1f %% | %g | %s | %s | %s | %.2f / %.2f | %.0f / %.0f | %.0f | %s | %.0f / %.0f | %.1f / %.1f | %g / %g | %.0f %% |\n", v, s, (i > 1) ? sprintf("%.2f", s / bs) : "—", med(util, v) * 100, c,
              (i > 1) ? sprintf("%+.0f", c - bc) : "—", med(a50, v) * 100, med(ap99, v), plain ? "—" : sprintf("%.1f %%", med(c50, v) * 100),
              plain ? "—" : sprintf("%g", med(cp99, v)), os[v], med(di, v), med(do_, v), med(bi, v), med(bo, v), med(lc, v), (i > 1) ? sprintf("%+.0f", med(lc, v) - bl) : "—", med(al, v), med(aa, v), med(q99, v), med(q999, v), med(h99, v), med(h999, v), med(rs, v) * 100 }
        }' "$rows"
    } > "$out/summary.md"
    cat "$out/summary.md"
    ;;
  soak)
    # A long closed-loop run through the C/WASI plugin with signed envelopes; the router sampled every
    # 10 s over /metrics and /proc; at the end, after close_after_answer and a full GC: what is left open.
    count="${count:-100000}"
    secret="soak-$(date +%s)-secret"
    cfg=$(router_config soak "$cw")
    printf '\nreferral: {key_id: 1, hmac_secret: "%s"}\n' "$secret" >> "$cfg"; with_admin "$cfg"
    threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
    start_router "$cfg" "$work/soak.log" warn; pid=$started_pid
    "$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
    heap0=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); rss0=$(rss_kib "$pid"); threads0=$(threads "$pid")
    t0=$(cpu_ticks "$pid"); started_at=$(date +%s)
    "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe \
      --target "127.0.0.1:$port" --sni play.localhost --count "$count" --concurrency 64 --hmac-secret "$secret" --timeout 30s \
      > "$out/probe.json" 2> "$work/probe.err" &
    prober=$!; pids+=("$prober")
    echo "seconds,sessions_accepted,connections_open,heap_used_mib,heap_committed_mib,rss_mib,threads" > "$out/samples.csv"
    while kill -0 "$prober" 2>/dev/null; do
      echo "$(( $(date +%s) - started_at )),$(metric_sum hyrouter_connections_accepted_total),$(metric_sum hyrouter_connections_open),$(awk -v h="$(metric_sum 'jvm_memory_used_bytes{area="heap"}')" 'BEGIN {printf "%.1f", h / 1048576}'),$(awk -v h="$(metric_sum 'jvm_memory_committed_bytes{area="heap"}')" 'BEGIN {printf "%.0f", h / 1048576}'),$(( $(rss_kib "$pid") / 1024 )),$(threads "$pid")" >> "$out/samples.csv"
      sleep 10
    done
    wait "$prober" || status=$?
    t1=$(cpu_ticks "$pid"); elapsed=$(( $(date +%s) - started_at ))
    # Closed connections stay reachable for a while after the run (close_after_answer, QUIC's draining
    # period, state released on the next timer tick): wait until none is open, then past the bundled
    # config's idle timeout (30 s), so the heap after GC shows what sessions left behind, not what is in flight.
    for _ in $(seq 1 60); do [ "$(metric_sum hyrouter_connections_open | cut -d. -f1)" = 0 ] && break; sleep 1; done
    sleep 35
    # Netty's QuicheQuicConnection has a finalizer (a safety net; its native state is freed at close), so a
    # closed connection's whole object graph survives the first collection that finds it dead and goes at
    # the next one, after the finalizer thread has run: a count after one GC shows those graphs, not a leak.
    # Both are reported; only the second says whether sessions left anything reachable.
    channels() { "$jcmd_bin" "$pid" GC.class_histogram | awk '$4 == "io.netty.handler.codec.quic.QuicheQuicChannel" {n = $2} END {print n + 0}'; }
    pending1=$(channels)
    "$jcmd_bin" "$pid" GC.run_finalization >/dev/null; "$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
    retained1=$(channels)
    heap1=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); rss1=$(rss_kib "$pid"); threads1=$(threads "$pid")
    committed1=$(metric_sum 'jvm_memory_committed_bytes{area="heap"}')
    open1=$(metric_sum hyrouter_connections_open); streams1=$(metric_sum hyrouter_streams_open)
    calls=$(metric_sum 'hyrouter_plugin_calls_total{plugin="c"}'); perrors=$(metric_sum 'hyrouter_plugin_errors_total{plugin="c"}')
    ptimeouts=$(metric_sum 'hyrouter_plugin_timeouts_total{plugin="c"}'); shed=$(metric_sum 'hyrouter_plugin_shed_total{plugin="c"}')
    leaks=$(grep -c 'LEAK:' "$work/soak.log" || true)
    stop "$pid"
    cp "$work/soak.log" "$out/router.log"
    hz=$(getconf CLK_TCK)
    {
      echo "# Soak: $count sessions, 64 concurrent, C/WASI plugin, signed envelopes"
      echo
      cat "$out/environment.md"
      echo
      echo "Command: \`${jar_note}loadtest/run.sh soak --count $count --leak $leak${heap:+ --heap $heap}\`"
      echo
      echo "Router: the bundled config on loopback with the C/WASI example plugin (mutate stage), a referral HMAC key, the admin"
      echo "listener sampled every 10 s (\`samples.csv\`), Netty's leak detector at \`$leak\`. Client: \`hyrouter probe --count $count"
      echo "--concurrency 64 --hmac-secret …\` (closed loop; every envelope's signature checked), pinned apart from the router."
      echo
      echo "Client's result: \`$(cat "$out/probe.json")\`"
      echo
      echo "| | value |"
      echo "|---|---:|"
      echo "| wall time s | $elapsed |"
      awk -v a="$t0" -v b="$t1" -v hz="$hz" -v n="$count" 'BEGIN {printf "| router CPU µs/session | %.0f |\n", (b - a) / hz * 1e6 / n}'
      echo "| plugin calls / errors / timeouts / shed | ${calls%.*} / ${perrors%.*} / ${ptimeouts%.*} / ${shed%.*} |"
      echo "| connections open after the run (then 35 s later, after a full GC, the rest) | ${open1%.*} |"
      echo "| streams open after the run | ${streams1%.*} |"
      if [ "$leak" = disabled ]; then
        # Nothing reports a leak with the detector off: say so rather than print a 0 that means nothing.
        echo "| Netty LEAK reports in the router log | not looked for (leak detector disabled; --leak simple samples 1 % of buffers) |"
      else
        echo "| Netty LEAK reports in the router log (detector at $leak) | $leaks |"
      fi
      echo "| QUIC channels (QuicheQuicChannel) after one full GC: awaiting Netty's finalizer | $pending1 |"
      echo "| QUIC channels reachable after finalization and a second full GC (a leak if not 0) | $retained1 |"
      awk -v a="$heap0" -v b="$heap1" 'BEGIN {printf "| heap used after full GC (and finalization), before → after MiB | %.1f → %.1f |\n", a / 1048576, b / 1048576}'
      awk -v a="$rss0" -v b="$rss1" -v c="$committed1" 'BEGIN {printf "| RSS before → after MiB (of which heap committed at the end) | %.0f → %.0f (%.0f) |\n", a / 1024, b / 1024, c / 1048576}'
      echo "| threads before → after | $threads0 → $threads1 |"
    } > "$out/summary.md"
    cat "$out/summary.md"
    ;;
  memory)
    count="${count:-5000}"
    # Connections held open (handshake done, no Connect: the router keeps each until its connect
    # deadline, raised here), measured after a full GC: RSS (heap, native QUIC/TLS state, buffers) and heap.
    cfg=$(router_config memory)
    sed -i "s/^  max_idle_timeout: .*/  max_idle_timeout: 600s\n  connect_timeout: 500s/" "$cfg"
    with_admin "$cfg"
    start_router "$cfg" "$work/memory.log"; pid=$started_pid
    warmup=0; rate=200; duration=10; p99=100000
    measured_steady warm-up "$pid" warm-up >/dev/null || true
    rm -rf "$out/warm-up.csv" "$out/gatling"
    sleep 6 # the warm-up's connections close (close_after_answer)
    "$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
    rss0=$(rss_kib "$pid"); heap0=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); open0=$(metric_sum hyrouter_connections_open)
    "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.HoldConnections \
      "127.0.0.1:$port" "$count" 600 > "$work/hold.log" 2>&1 &
    holder=$!; pids+=("$holder")
    for _ in $(seq 1 600); do
      open=$(metric_sum hyrouter_connections_open); [ "${open%.*}" -ge "$count" ] && break; sleep 0.5
    done
    sleep 2
    "$jcmd_bin" "$pid" GC.run >/dev/null; sleep 1
    rss1=$(rss_kib "$pid"); heap1=$(metric_sum 'jvm_memory_used_bytes{area="heap"}'); open1=$(metric_sum hyrouter_connections_open)
    kill "$holder" 2>/dev/null || true
    stop "$pid"
    {
      echo "# Memory per live connection: $count connections held open"
      echo
      cat "$out/environment.md"
      echo
      echo "Command: \`loadtest/run.sh memory --count $count\`"
      echo
      echo "Router: the bundled config on loopback, \`quic.connect_timeout\` raised so connections that completed their handshake"
      echo "and sent no Connect stay open; each measurement after a full GC (\`jcmd GC.run\`), after a 10 s warm-up at 200 sessions/s."
      echo
      echo "| | live connections | RSS MiB | heap used MiB |"
      echo "|---|---:|---:|---:|"
      awk -v o="$open0" -v r="$rss0" -v h="$heap0" 'BEGIN {printf "| before | %d | %.1f | %.1f |\n", o, r / 1024, h / 1048576}'
      awk -v o="$open1" -v r="$rss1" -v h="$heap1" 'BEGIN {printf "| holding | %d | %.1f | %.1f |\n", o, r / 1024, h / 1048576}'
      echo
      awk -v o0="$open0" -v o1="$open1" -v r0="$rss0" -v r1="$rss1" -v h0="$heap0" -v h1="$heap1" 'BEGIN {
        n = o1 - o0; if (n <= 0) { print "No connection was held: see the logs."; exit }
        printf "**Per live connection: %.1f KiB of RSS, of which %.1f KiB Java heap** (%d connections).\n", (r1 - r0) / n, (h1 - h0) / 1024 / n, n }'
    } > "$out/summary.md"
    cat "$out/summary.md"
    ;;
  plugins)
    sdk_jar=$(ls plugins/sdk/target/hyrouter-plugin-sdk-*-all.jar | head -1)
    "${load_cpu[@]}" "$java_bin" -jar "$sdk_jar" --listen 127.0.0.1:17777 > "$work/grpc-plugin.log" 2>&1 &
    pids+=($!)
    runs=()
    for r in $(seq 1 "$rounds"); do
      for variant in none wat c grpc; do
        case "$variant" in
          none) cfg=$(router_config none); label=router; host=play.hyvane.com ;;
          wat) cfg=$(router_config wat "$wat"); label=router+wat ;;
          c) cfg=$(router_config c "$cw"); label=router+c-wasi ;;
          grpc) cfg=$(router_config grpc "$grpc"); label=router+grpc ;;
        esac
        router_round "$label" "$cfg" "$variant-$r" warn -Dhyrouter.expectHost=play.hyvane.com
      done
    done
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport runs "$out" "Plugins: $rate sessions/s for $duration s, $rounds round(s)" \
      "${jar_note}loadtest/run.sh plugins --rate $rate --duration $duration --rounds $rounds --warmup $warmup" "$out/environment.md" "${runs[@]}"
    ;;
  warmup)
    # Warm-up as a curve (issue 27): each variant started fresh, its start-to-answer time, then its
    # CPU per session and latency per bucket of 1,000 sessions from the first session on.
    [ "$variants" = "off,stdout,file" ] && variants="none,wat,c,grpc"
    buckets="${count:-30}"
    sdk_jar=$(ls plugins/sdk/target/hyrouter-plugin-sdk-*-all.jar | head -1)
    if [[ ",$variants," == *",grpc,"* ]]; then
      "${load_cpu[@]}" "$java_bin" -jar "$sdk_jar" --listen 127.0.0.1:17777 > "$work/grpc-plugin.log" 2>&1 &
      pids+=($!)
    fi
    curve_file="$out/curve.jsonl"; : > "$curve_file"
    for r in $(seq 1 "$rounds"); do
      for v in ${variants//,/ }; do
        warmup_run "$v" "$r" "$curve_file" "$buckets" || status=$?
      done
    done
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.WarmupReport "$curve_file" "$out" \
      "${jar_note}loadtest/run.sh warmup --variants $variants --rounds $rounds --count $buckets" "$out/environment.md"
    ;;
  warmup-gate)
    # CI's warm-start gate (issue 27): per variant of perf-reports/warmup-gate.json, a fresh router
    # with its warm-up before ready; the CPU per session of its first 2,000 sessions after ready over
    # its warm figure must stay within the committed limit. A variant over it gets a second round,
    # and fails when that one is over too (WarmupGate).
    gate_file="${WARMUP_GATE_FILE:-$top/perf-reports/warmup-gate.json}"
    buckets="${count:-12}"
    curve_file="$out/curve.jsonl"; : > "$curve_file"
    # The variants: every key with a number (the limit) in the gate file.
    pending=$(grep -oE '"[^"]+"[[:space:]]*:[[:space:]]*[0-9.]+' "$gate_file" | sed 's/^"\([^"]*\)".*/\1/' | paste -sd, -)
    gate_status=1
    for attempt in 1 2; do
      for v in ${pending//,/ }; do
        warmup_run "$v" "$attempt" "$curve_file" "$buckets" || status=$?
      done
      if "$java_bin" -cp "$cp" dev.hyrouter.loadtest.WarmupGate "$curve_file" "$gate_file" > "$out/gate-$attempt.txt"; then
        gate_status=0
      fi
      cat "$out/gate-$attempt.txt"
      [ "$gate_status" = 0 ] && break
      pending=$(sed -n 's/^failing: //p' "$out/gate-$attempt.txt")
    done
    [ "$gate_status" = 0 ] || status=1
    ;;
  overload)
    # Rush hour (issue 32): the server under test is held below the client's reach by a cgroup v1 CPU
    # quota, then an open-loop client offers more sessions per second than it can serve.
    [ "$variants" = "off,stdout,file" ] && variants="router"
    [ "$duration" = 30 ] && duration=15
    warm_s=$(( warmup > 0 ? warmup : 20 ))
    cg_root=/sys/fs/cgroup/cpu
    if [ ! -w "$cg_root" ]; then
      echo "loadtest/run.sh overload: needs a writable cgroup v1 cpu controller at $cg_root (run as root)" >&2; exit 1
    fi
    cg="$cg_root/hyrouter-overload-$$"
    mkdir -p "$cg"
    echo 100000 > "$cg/cpu.cfs_period_us"; echo "$quota_us" > "$cg/cpu.cfs_quota_us"
    trap 'cleanup; rmdir "$cg" 2>/dev/null || true' EXIT
    hz=$(getconf CLK_TCK)
    phases_file="$out/phases.jsonl"; : > "$phases_file"
    jf() { # KEY < JSON line -> value
      sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
    }
    for r in $(seq 1 "$rounds"); do
      for v in ${variants//,/ }; do
        case "$v" in
          router|router-*)
            cfg=$(router_config "$v")
            # The bundled config, access log off (warn), per-address limits off: one client address.
            # router-<duration> (router-250ms): the same with limits.handshake_queue_target set to it;
            # router-buf<bytes> (router-buf1048576): with quic.socket_buffer_bytes set to it.
            case "$v" in
              router-buf*) sed -i "s/^quic:\$/quic:\n  socket_buffer_bytes: ${v#router-buf}/" "$cfg" ;;
              router-*) sed -i "s/retry: never}/retry: never, handshake_queue_target: ${v#router-}}/" "$cfg" ;;
            esac
            start_router "$cfg" "$work/$v-$r.log" warn ;;
          before)
            # An earlier build (BEFORE_JAR), alternating with this one: as it shipped, with its launcher's
            # flags of the time (no JIT priority), or with BEFORE_FLAGS=same with this build's flags, so
            # that only the code differs.
            [ -n "${BEFORE_JAR:-}" ] || { echo "loadtest/run.sh overload: variant before needs BEFORE_JAR=path/to/hyrouter.jar" >&2; exit 2; }
            cfg=$(router_config router)
            saved_jar="$router_jar"; saved_jit=("${router_jit[@]+"${router_jit[@]}"}")
            router_jar="$BEFORE_JAR"
            [ "${BEFORE_FLAGS:-}" = same ] || router_jit=()
            start_router "$cfg" "$work/$v-$r.log" warn
            router_jar="$saved_jar"; router_jit=("${saved_jit[@]+"${saved_jit[@]}"}") ;;
          untuned)
            # The untuned reference (UntunedQuicServer): Netty's QUIC example with its defaults.
            start_untuned "$work/$v-$r.log" ;;
          *) echo "loadtest/run.sh overload: unknown variant $v (router, router-<target>, router-buf<bytes>, before, untuned)" >&2; exit 2 ;;
        esac
        pid=$started_pid
        # Warmed on the whole core first, so the JIT has compiled the serving path as on a replica that
        # has served a while (a cold start is issue 27's bench); then the quota, then the measured phases.
        "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.OpenLoop \
          "127.0.0.1:$port" play.localhost 5 0 closed:16:"$warm_s" > "$work/$v-$r.warm.jsonl" 2> "$work/$v-$r.warm.log" || status=$?
        echo "$pid" > "$cg/cgroup.procs"
        rss0=$(rss_kib "$pid"); t0=$(cpu_ticks "$pid")
        thread_ns "$pid" > "$work/$v-$r.threads0"
        phases=(closed:16:10)
        phases+=(open:0.5:"$duration" open:1.5:"$duration" open:2.5:"$duration" open:0.5:"$duration")
        # The client's own CPU (user+sys seconds): it must stay below its one core, or the client, not the server, sets the pace.
        TIMEFORMAT='%U %S'
        # The server's pid and cgroup: each open phase then reports the server's CPU and the time its quota throttled it.
        { time "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -Dhyrouter.serverPid="$pid" -Dhyrouter.cgroup="$cg" \
          -cp "$cp" dev.hyrouter.loadtest.OpenLoop \
          "127.0.0.1:$port" play.localhost 5 "$capacity" "${phases[@]}" > "$work/$v-$r.jsonl" 2> "$work/$v-$r.client.log" || status=$?; } 2> "$work/$v-$r.client.time"
        client_s=$(awk '{printf "%.2f", $1 + $2}' "$work/$v-$r.client.time")
        t1=$(cpu_ticks "$pid"); rss1=$(rss_kib "$pid")
        thread_ns "$pid" > "$work/$v-$r.threads1"
        thread_delta "$work/$v-$r.threads0" "$work/$v-$r.threads1" | sort -t$'\t' -k2 -nr > "$out/$v-$r.threads.tsv"
        cp "$work/$v-$r.log" "$out/$v-$r.log"
        cp "$work/$v-$r.client.log" "$out/$v-$r.client.log"
        # The same absolute load for every server: C from the first run's measuring phase.
        if [ "$capacity" = 0 ]; then
          capacity=$(grep '"phase":"closed:16:10"' "$work/$v-$r.jsonl" | jf capacity)
        fi
        warm_sessions=$(jf answered < "$work/$v-$r.warm.jsonl")
        while read -r line; do
          printf '{"variant":"%s","round":%s,"warm_sessions":%s,"client_cpu_s":%s,"cpu_s":%s,"jit_s":%s,"loops_s":%s,"rss0_kib":%s,"rss1_kib":%s,%s\n' "$v" "$r" \
            "${warm_sessions:-0}" "$client_s" "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')" \
            "$(awk -F'\t' '$1 ~ /Compiler/ {s += $2} END {printf "%.2f", s}' "$out/$v-$r.threads.tsv")" \
            "$(awk -F'\t' '$1 ~ /quic|nioEventLoop|epoll|Loop|multiThreadIo/ {s += $2} END {printf "%.2f", s}' "$out/$v-$r.threads.tsv")" \
            "$rss0" "$rss1" "${line#\{}" >> "$phases_file"
        done < "$work/$v-$r.jsonl"
        stop "$pid"
      done
    done
    {
      echo "# Rush hour: goodput past capacity ($rounds round(s), $duration s per phase)"
      echo
      echo "Command: \`${jar_note}loadtest/run.sh overload --rounds $rounds --duration $duration --variants $variants --quota-us $quota_us\`"
      echo
      echo "Each server pinned to core 0 and held to $quota_us µs of CPU per 100 ms (cgroup v1 quota); the client on core 1."
      echo "Warmed $warm_s s on the whole core by a closed loop of 16 (the JIT done, as on a replica that has served a while), then the quota;"
      echo "C = $capacity sessions/s (the first run's closed loop of 16 over 10 s under the quota), the same for every server."
      echo "Then an open loop: new sessions at a fixed rate whatever the server answers, full TLS handshakes, 5 s timeout each."
      echo "router = this build, the bundled config (access log off, per-address limits off, Retry never), the launcher's JVM flags;"
      echo "before = BEFORE_JAR=${BEFORE_JAR:-} with the same config and its own launcher's flags."
      echo "untuned = UntunedQuicServer: Netty's QUIC server example with its defaults (one NIO loop, kernel socket buffers, the example's transport parameters, no Retry), a self-signed ECDSA P-256 certificate like the router's default, the same fixed answer."
      echo
      echo "| server | round | offered/s | answered/s | p50 ms | p99 ms | refused | refused p99 ms | timed out | other failures | p99 first 2 s / after ms | CPU % of quota | throttled s | JIT s | loops s | µs per answered | datagrams in per session | dropped by kernel |"
      echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
      grep '"kind":"open"' "$phases_file" | while read -r line; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(jf variant <<<"$line")" "$(jf round <<<"$line")" \
          "$(jf offered_per_s <<<"$line")" "$(jf answered_per_s <<<"$line")" "$(jf p50_ms <<<"$line")" "$(jf p99_ms <<<"$line")" \
          "$(jf refused <<<"$line")" "$(jf refused_p99_ms <<<"$line")" "$(jf timed_out <<<"$line")" \
          "$(( $(jf failed_other <<<"$line") + $(jf unfinished <<<"$line") ))" "$(jf p99_first_2s_ms <<<"$line")" "$(jf p99_after_2s_ms <<<"$line")" \
          "$(awk -v c="$(jf server_cpu_s <<<"$line")" -v s="$(jf seconds <<<"$line")" -v q="$quota_us" 'BEGIN {if (c == "" || c == "null") print "—"; else printf "%.0f", 100 * c / (s * q / 100000)}')" \
          "$(jf throttled_s <<<"$line")" "$(jf server_jit_s <<<"$line")" "$(jf server_loops_s <<<"$line")" \
          "$(awk -v c="$(jf server_cpu_s <<<"$line")" -v a="$(jf answered <<<"$line")" 'BEGIN {if (c == "" || c == "null" || a == 0) print "—"; else printf "%.0f", 1e6 * c / a}')" \
          "$(awk -v d="$(jf client_sent <<<"$line")" -v n="$(jf started <<<"$line")" 'BEGIN {if (d == "" || n == 0) print "—"; else printf "%.1f", d / n}')" \
          "$(jf server_socket_drops <<<"$line")"
      done
      echo
      echo "CPU % of quota: the server's CPU while the phase offered load, over the quota for that time (100 = the quota used to the full); throttled s: how long the quota held the server back meanwhile;"
      echo "JIT s / loops s: that CPU's share spent by its JIT compiler threads and its event loops; µs per answered: the server's CPU over the sessions it answered;"
      echo "datagrams in per session: datagrams the client sent (to the server) per session started, resends included; dropped by kernel: datagrams the server's sockets lost to a full receive buffer."
      echo
      echo "Server CPU under the quota (all phases after the warm-up): the whole process, its JIT compiler threads, its event loops; RSS before/after:"
      echo
      echo "| server | round | warm-up sessions | cpu s | JIT s | loops s | client cpu s | RSS before KiB | RSS after KiB |"
      echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
      grep '"phase":"closed:16:10"' "$phases_file" | while read -r line; do
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(jf variant <<<"$line")" "$(jf round <<<"$line")" "$(jf warm_sessions <<<"$line")" \
          "$(jf cpu_s <<<"$line")" "$(jf jit_s <<<"$line")" "$(jf loops_s <<<"$line")" "$(jf client_cpu_s <<<"$line")" "$(jf rss0_kib <<<"$line")" "$(jf rss1_kib <<<"$line")"
      done
      echo
      echo "Per-thread CPU of each run: \`*.threads.tsv\`; every phase as JSON: \`phases.jsonl\`."
    } > "$out/summary.md"
    cat "$out/summary.md"
    ;;
  capacity)
    hz=$(getconf CLK_TCK)
    if [ -n "$target" ]; then
      gatling CapacitySimulation capacity -Dhyrouter.start="$start" -Dhyrouter.step="$step" -Dhyrouter.levels="$levels" \
        -Dhyrouter.levelSeconds="$level_seconds" || status=$?
      exit $status
    fi
    cfg=$(router_config router)
    start_router "$cfg" "$work/router.log"; pid=$started_pid
    t0=$(cpu_ticks "$pid")
    gatling CapacitySimulation capacity -Dhyrouter.start="$start" -Dhyrouter.step="$step" -Dhyrouter.levels="$levels" \
      -Dhyrouter.levelSeconds="$level_seconds" -Dhyrouter.timeoutSeconds=5 >&2 || status=$?
    t1=$(cpu_ticks "$pid")
    cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.3f", (b - a) / hz}')
    "$java_bin" -cp "$cp" dev.hyrouter.loadtest.LoadReport capacity "$out" "Capacity: $start sessions/s +$step × $levels levels of $level_seconds s" \
      "loadtest/run.sh capacity --start $start --step $step --levels $levels --level-seconds $level_seconds --slo-ms $slo" \
      "$out/environment.md" "$out/capacity.csv" "$cpu" "$(rss_kib "$pid")" "$start" "$step" "$levels" "$level_seconds" "$slo"
    ;;
esac
echo "loadtest/run.sh: report in $out" >&2
exit $status
