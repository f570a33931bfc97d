# The load tests' shared part, sourced by loadtest/run.sh once the arguments are read: builds what
# the runs need, makes the report folder, and holds the functions every kind uses (starting and
# stopping servers, CPU and thread counters, metrics, Gatling, the environment table).
# Each kind's own steps are in loadtest/kinds/<kind>.sh.
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
  pinning="servers on core 0, the load (Gatling or the kind's own client) on core 1 (taskset)"
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
wat="  - {name: wat, type: wasm, stage: mutate, timeout: 1s, wasm: {path: $top/plugins/examples/wat-plugin/plugin.wasm}}"
cw="  - {name: c, type: wasm, stage: mutate, timeout: 1s, wasm: {path: $top/plugins/examples/c-plugin/plugin.wasm}}"
grpc="  - {name: grpc, type: grpc, stage: deny, timeout: 1s, grpc: {address: 127.0.0.1:17777}}"
# large: a generated module of a Go-built plugin's size (1.7 MB, 24,000 functions; bench's WasmStartup,
# needs wat2wasm), through a compile cache of the run's own, so every start after the first loads it compiled.
large="  - {name: large, type: wasm, stage: mutate, timeout: 1s, wasm: {path: $work/large.wasm, compile_cache: $work/wasm-cache}}"
large_module() { # writes $work/large.wasm once per run
  [ -f "$work/large.wasm" ] && return 0
  command -v wat2wasm >/dev/null || { echo "loadtest/run.sh: the large variant needs wat2wasm (Debian: apt-get install wabt)" >&2; exit 2; }
  [ -f bench/target/benchmarks.jar ] || mvn -B -q -ntp -DskipTests -pl bench -am package >&2
  "$java_bin" -cp bench/target/benchmarks.jar dev.hyrouter.bench.WasmStartup --write "$work/large.wasm" >&2
}

grpc_example_for() { # VARIANTS: starts the SDK's example plugin server on 127.0.0.1:17777 (client's core) if any variant is grpc[+...] or go-grpc[+...]
  [[ ",$1," =~ ,(go-)?grpc[+,] ]] || return 0
  local sdk_jar
  sdk_jar=$(ls plugins/sdk/target/hyrouter-plugin-sdk-*-all.jar | head -1)
  "${load_cpu[@]}" "$java_bin" -jar "$sdk_jar" --listen 127.0.0.1:17777 > "$work/grpc-plugin.log" 2>&1 &
  pids+=($!)
}

client_warm_port=15530
client_warm_server_for() { # VARIANTS: starts the untuned reference on the client's core if any variant is +cw (the client warms itself there)
  [[ ",$1," =~ \+cw[+,] ]] || return 0
  # Asking for a client certificate, as the router does, so the client's certificate path (its key
  # manager, its signature) is warm too. (A second router in its place refused part of the client's
  # open-loop warm-up, the two sharing one core: session 26.)
  launch_untuned load_cpu "$client_warm_port" "$work/client-warmup-server.log" --request-client-certificate
  wait_ready "$started_pid" "$work/client-warmup-server.log" "$client_warm_port"
}

warmup_run() { # VARIANT ROUND CURVE_FILE BUCKETS: one fresh router, its warm-up curve appended to CURVE_FILE
  # KIND[+warm[N]][+cds][+before][+cw|+cwr][+rN]: the plugin kind; with +warm the router's own warm-up before ready
  # (warmup.sessions N, default 15,000), the curve then starting when /readyz says ready; with +cds
  # the class-data archive router/dist/src/dist/train-cds makes for this jar (as router/hyrouter,
  # the distribution and the image start it), made once per run; with +cw the client first warms itself
  # (CLIENT_WARMUP sessions) against the untuned reference on its own core while the router starts;
  # with +cwr it warms the same way but first, against a partner router (this jar and variant, on
  # client_warm_port, no admin listener, no warm-up of its own, on the router's core) started before
  # the router under test, settles against it again once that router answers, and the partner is
  # stopped before the curve (WarmupCurve's -Dhyrouter.handoff; its settling rounds run at the curve's
  # rate, so +cwr goes with +rN). Session 27: the client's first-bucket compilations were 8-454 ms in 6
  # rounds, against 1.0-2.6 s in the rounds before all of its fixes were in.
  local v="$1" r="$2" curve="$3" n kind_ cfg t0 pid rc=0 jvm=()
  kind_="${v%%+*}"
  case "$kind_" in
    none) cfg=$(router_config "$v") ;;
    wat) cfg=$(router_config "$v" "$wat") ;;
    c) cfg=$(router_config "$v" "$cw") ;;
    grpc) cfg=$(router_config "$v" "$grpc") ;;
    large) large_module; cfg=$(router_config "$v" "$large") ;;
    # The Go original (GO_ORIGINAL), without a plugin and with the same gRPC plugin server: it has no
    # /readyz, so its curve starts at its first answer; +warm, +cds and +before are the router's own.
    go) cfg=$(go_config "$v") ;;
    go-grpc) cfg=$(go_config "$v" "$grpc") ;;
    *) echo "loadtest/run.sh: unknown warm-up variant $v (none, wat, c, grpc, large, go, go-grpc, each optionally +warm or +warmN, +cds, +before, +cw or +cwr, +rN)" >&2; exit 2 ;;
  esac
  local go=0 readyz=(http://127.0.0.1:19521/readyz)
  if [[ "$kind_" == go* ]]; then
    [[ "$v" =~ \+(warm|cds|before) ]] && { echo "loadtest/run.sh: $v: +warm, +cds and +before are the router's, not the Go original's" >&2; exit 2; }
    go=1; readyz=()
  fi
  local partner_cfg="$work/$v-partner.yaml"
  [[ "$v" == *+cwr* ]] && sed -e "s/^listen: .*/listen: \"127.0.0.1:$client_warm_port\"/" "$cfg" > "$partner_cfg"
  printf '\nadmin: {listen: "127.0.0.1:19521"}\n' >> "$cfg"
  if [[ "$v" =~ \+warm([0-9]*) ]]; then
    n="${BASH_REMATCH[1]}"
    printf 'warmup: {sessions: %s}\n' "${n:-15000}" >> "$cfg"
  fi
  # +before: the jar BEFORE_JAR names (an older build, measured the same way in the same run), with its own archive.
  local jar="$router_jar" jsa="$work/hyrouter.jsa"
  if [[ "$v" == *+before* ]]; then
    jar="${BEFORE_JAR:?loadtest/run.sh: a +before variant needs BEFORE_JAR=the older hyrouter.jar}"; jsa="$work/before.jsa"
  fi
  if [[ "$v" == *+cds* ]]; then
    [ -f "$jsa" ] || sh router/dist/src/dist/train-cds "$java_bin" "$jar" "$jsa" router/config/hyrouter.yaml >&2
    jvm=(-XX:SharedArchiveFile="$jsa")
  fi
  # +t4: lower C2 thresholds (tried in session 18 and not kept: the C2 queue, not the thresholds,
  # decided when per-session methods were compiled).
  [[ "$v" == *+t4* ]] && jvm+=(-XX:Tier4InvocationThreshold=1000 -XX:Tier4MinInvocationThreshold=100 -XX:Tier4CompileThreshold=1500)
  local client_warm=()
  # A warm client also keeps its collector out of the curve: on its one core the JVM would pick the
  # serial collector with a small young generation (pauses of 86-221 ms every 11 s, session 23), and a
  # ZGC cycle ran through 2.4-2.5 s of a 2.5 s bucket beside its sessions (2026-12-05-warm-start.md, session 26).
  # With a 2 GB young generation, collected just before the first bucket, none falls in a 12-bucket
  # curve at 400/s. CLIENT_FLAGS, after these, still override. Its warm-up: CLIENT_WARMUP sessions
  # (default 40,000: after 15,000 it still compiled for 0.14-1.4 s of its core in the first bucket).
  # A run's first +cw round waits for it if the router is ready first.
  [[ "$v" == *+cw* ]] && client_warm=(-XX:+UseParallelGC -Xmn2g -Dhyrouter.clientWarmup=127.0.0.1:$client_warm_port:${CLIENT_WARMUP:-40000})
  local handoff="$work/handoff-$v-$r"
  [[ "$v" == *+cwr* ]] && client_warm+=(-Dhyrouter.handoff="$handoff")
  # +rN: open loop at N sessions/s in every bucket (WarmupCurve's -Dhyrouter.rate), so the first buckets
  # and the warm ones are compared at the same load; without it a closed loop of 16.
  [[ "$v" =~ \+r([0-9]+) ]] && client_warm+=(-Dhyrouter.rate="${BASH_REMATCH[1]}")
  if [[ "$v" == *+cwr* ]]; then
    local partner cpid
    if [ "$go" = 1 ]; then launch_go "$partner_cfg" "$work/$v-$r.partner.log"; else launch_router "$jar" "$partner_cfg" "$work/$v-$r.partner.log" warn "${jvm[@]+"${jvm[@]}"}"; fi
    partner=$started_pid
    wait_ready "$partner" "$work/$v-$r.partner.log" "$client_warm_port"
    rm -f "$handoff" "$handoff.warmed" "$handoff.settled"
    "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml "${client_warm[@]}" "${client_extra[@]+"${client_extra[@]}"}" -cp "$cp" dev.hyrouter.loadtest.WarmupCurve \
      "127.0.0.1:$port" play.localhost 0 0 "$4" 1000 16 "${readyz[@]+"${readyz[@]}"}" > "$work/$v-$r.jsonl" 2> "$work/$v-$r.client.log" &
    cpid=$!; pids+=("$cpid")
    until [ -f "$handoff.warmed" ] || ! kill -0 "$cpid" 2>/dev/null; do sleep 0.05; done
    t0=$(date +%s%N)
    if [ "$go" = 1 ]; then launch_go "$cfg" "$work/$v-$r.log"; else launch_router "$jar" "$cfg" "$work/$v-$r.log" warn "${jvm[@]+"${jvm[@]}"}"; fi
    pid=$started_pid
    echo "$pid $t0" > "$handoff.tmp" && mv "$handoff.tmp" "$handoff"
    until [ -f "$handoff.settled" ] || ! kill -0 "$cpid" 2>/dev/null; do sleep 0.05; done
    stop "$partner"
    wait "$cpid" || rc=$?
  else
    t0=$(date +%s%N)
    if [ "$go" = 1 ]; then launch_go "$cfg" "$work/$v-$r.log"; else launch_router "$jar" "$cfg" "$work/$v-$r.log" warn "${jvm[@]+"${jvm[@]}"}"; fi
    pid=$started_pid
    "${load_cpu[@]}" "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml "${client_warm[@]+"${client_warm[@]}"}" "${client_extra[@]+"${client_extra[@]}"}" -cp "$cp" dev.hyrouter.loadtest.WarmupCurve \
      "127.0.0.1:$port" play.localhost "$pid" "$t0" "$4" 1000 16 "${readyz[@]+"${readyz[@]}"}" > "$work/$v-$r.jsonl" 2> "$work/$v-$r.client.log" || rc=$?
  fi
  stop "$pid"
  cp "$work/$v-$r.log" "$out/$v-$r.log"
  # What its client said: why a failed curve stopped; a +cwr client's settling rounds.
  cp "$work/$v-$r.client.log" "$out/$v-$r.client.log"
  while read -r line; do
    printf '{"variant":"%s","round":%s,%s\n' "$v" "$r" "${line#\{}" >> "$curve"
  done < "$work/$v-$r.jsonl"
  return "$rc"
}

wait_ready() { # PID LOG [PORT]: until the server on PORT (default the one under test) answers a probe
  for _ in $(seq 1 100); do
    if "$java_bin" -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.cli.Main probe --target "127.0.0.1:${3:-$port}" --sni play.localhost --timeout 2s >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$1" 2>/dev/null || { cat "$2" >&2; echo "loadtest/run.sh: the server exited" >&2; return 1; }
    sleep 0.3
  done
  cat "$2" >&2; echo "loadtest/run.sh: the server did not answer within 30 s" >&2; return 1
}

# The Go original (GitHub Hybrowse/hyrouter) as a server under test: GO_ORIGINAL=its binary, built
# outside this repository (nothing of it is committed; how it was built goes in the report). It reads
# the same config files; its own generated certificate is Ed25519, which Netty's client (quiche)
# refuses, so it gets a P-256 one made here, as an operator of it would configure with a real client.
go_config() { # NAME [PLUGINS_YAML] -> a config for the original: the router's, with a P-256 certificate
  local f
  f=$(router_config "$@")
  if [ ! -f "$work/go-key.pem" ]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$work/go-key.pem" 2>/dev/null
    openssl req -new -x509 -key "$work/go-key.pem" -out "$work/go-cert.pem" -days 30 -subj "/CN=play.localhost" 2>/dev/null
  fi
  sed -i "s#^tls:\$#tls:\n  cert_file: $work/go-cert.pem\n  key_file: $work/go-key.pem#" "$f"
  echo "$f"
}
launch_go() { # CONFIG LOG: the original in the background on the server's core, at warn, pid in started_pid
  local bin="${GO_ORIGINAL:?a go variant needs GO_ORIGINAL=the binary of the Go original, built outside this repository}"
  "${server_cpu[@]}" "$bin" -config "$1" -log-level warn > "$2" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
}

started_pid=""
router_jar="${HYROUTER_JAR:-router/dist/target/hyrouter.jar}"
# The launcher's JIT priority (router/hyrouter: compiler threads at nice 1, C2 at nice 19 until the listeners are bound,
# Java's lowest priority at nice 19, as root); ROUTER_JIT=normal drops it.
router_jit=()
router_env=()
# ROUTER_FLAGS: more JVM flags for the router under test (a diagnostic or a candidate setting), after the launcher's.
read -r -a router_extra <<< "${ROUTER_FLAGS:-}"
# CLIENT_FLAGS: more JVM flags for the warm-up curve's client (a diagnostic: its own GC log, say).
read -r -a client_extra <<< "${CLIENT_FLAGS:-}"
[ "${ROUTER_JIT:-low}" = low ] && [ "$(id -u)" = 0 ] && router_jit=(-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=1 -XX:JavaPriority1_To_OSPriority=19 -Dhyrouter.jit.boot_nice=19)
launch_router() { # JAR CONFIG LOG LOG_LEVEL [JVM_FLAGS...]: the router under test in the background, pid in started_pid
  local jar="$1" cfg="$2" log="$3" level="$4"; shift 4
  # Netty's native libraries from beside the jar where its build put them, as the launchers load them.
  local natives=()
  [ -d "$(dirname "$jar")/native" ] && natives=(-Djava.library.path="$(dirname "$jar")/native")
  # router_env (a variant's XENV): environment for the router process alone, such as a malloc in LD_PRELOAD.
  local envp=()
  [ "${#router_env[@]}" -gt 0 ] && envp=(env "${router_env[@]}")
  "${server_cpu[@]}" "${envp[@]+"${envp[@]}"}" "${router_java:-$java_bin}" "${router_gc:--XX:+UseParallelGC}" "${router_jit[@]+"${router_jit[@]}"}" "${router_extra[@]+"${router_extra[@]}"}" ${heap:+-Xmx$heap} "${natives[@]+"${natives[@]}"}" "$@" -Dio.netty.leakDetection.level="$leak" \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -jar "$jar" -config "$cfg" -log-level "$level" > "$log" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
}
start_router() { # CONFIG LOG [LOG_LEVEL [JVM_FLAGS...]]
  launch_router "$router_jar" "$1" "$2" "${3:-warn}" "${@:4}"
  wait_ready "$started_pid" "$2"
}

start_bare() { # CONFIG LOG
  "${server_cpu[@]}" "$java_bin" -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.BareQuicServer "$1" > "$2" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
  wait_ready "$started_pid" "$2"
}

launch_untuned() { # CPU_ARRAY_NAME PORT LOG [--request-client-certificate]: in the background, pid in started_pid
  # Netty's example as a user copies it: no tuning, its own JVM defaults (no collector chosen).
  local -n cpu_="$1"
  "${cpu_[@]}" "$java_bin" -Dio.netty.leakDetection.level=disabled \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dlogback.configurationFile=logback-loadtest.xml -cp "$cp" dev.hyrouter.loadtest.UntunedQuicServer "$2" ${4:-} > "$3" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
}
start_untuned() { # LOG [--request-client-certificate]: the untuned reference as the server under test
  launch_untuned server_cpu "$port" "$1" "${2:-}"
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
    if [ -n "${ROUTER_FLAGS:-}" ]; then echo "| router's extra JVM flags (ROUTER_FLAGS) | \`$ROUTER_FLAGS\` |"; fi
    if [ -n "${CLIENT_FLAGS:-}" ]; then echo "| client's extra JVM flags (CLIENT_FLAGS) | \`$CLIENT_FLAGS\` |"; fi
    # What the binary is: its build (GO_ORIGINAL_BUILD, free text: commit, toolchain, any module not at its go.sum version) and its digest.
    if [ -n "${GO_ORIGINAL:-}" ]; then echo "| Go original (GO_ORIGINAL) | \`$GO_ORIGINAL\`, sha256 $(sha256sum "$GO_ORIGINAL" | cut -c1-16)…; ${GO_ORIGINAL_BUILD:-build not stated} |"; fi
    case "$kind" in
      soak|saturation) echo "| load | hyrouter probe: the project's Netty QUIC client, closed loop, 64 sessions in flight |" ;;
      overload) echo "| load | OpenLoop (loadtest): the project's Netty QUIC client, full handshakes, 5 s timeout per session; closed loop of 16 to warm, of C_INFLIGHT (64) to measure C, then an open loop at fixed rates, phases back to back |" ;;
      startup) echo "| load | none: each router started fresh and polled on /readyz until it answers 200 |" ;;
      warmup) echo "| load | WarmupCurve (loadtest): the project's Netty QUIC client, a session every 20 ms from launch until answered, then a closed loop of 16 (variants +rN: N sessions/s, open loop), full handshakes, buckets of 1,000 sessions; server CPU from /proc/PID |" ;;
      *) echo "| load | Gatling 3.14.9, open model (constant or stepped sessions/s), one shared QUIC client |" ;;
    esac
  } > "$out/environment.md"
}
environment
status=0
