#!/usr/bin/env bash
# The count gate: what a session costs in units that do not depend on the machine's speed, against
# perf-reports/counts-baseline.json. Beside the JMH gate (bench/run.sh --gate), which times code,
# this counts what the whole router does per session over real QUIC on loopback:
#   bench/counts.sh                    # measure and print the counts (perf-reports/counts/<date>-<sha>.md with --report)
#   bench/counts.sh --gate             # CI: fail when a count rose past its tolerance, naming it and by how much
#   bench/counts.sh --update-baseline  # measure and write perf-reports/counts-baseline.json
#   bench/counts.sh --report           # measure and write perf-reports/counts/<date>-<sha>.md
# Variants: the router as bundled (outcome lines on), with the example WAT plugin (WASM), and with
# the SDK's example gRPC plugin (its own process). Each: a warm-up of COUNTS_WARMUP sessions (JIT),
# then COUNTS_SESSIONS measured sessions from `hyrouter probe` (16 in flight, full handshakes).
# Counts per session: datagrams and bytes in each direction (the client's sockets), heap allocated
# on the event loops and by every thread (the router's per-thread counters), system calls of the
# whole process (perf's raw_syscalls tracepoint, where the kernel lets us; otherwise not gated, and
# the run says why); after the run: Java threads and open file descriptors.
# Needs a JDK 17+ and Maven; builds what it needs first (~2 min on 2 cores).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

mode=print
for arg in "$@"; do
  case "$arg" in
    --gate) mode=gate ;;
    --update-baseline) mode=baseline ;;
    --report) mode=report ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench/counts.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
warm="${COUNTS_WARMUP:-4000}"
sessions="${COUNTS_SESSIONS:-4000}"
variants="${COUNTS_VARIANTS:-bundled,wasm,grpc}"
baseline="$top/perf-reports/counts-baseline.json"

# Tolerances (a rise beyond both the share and the absolute slack fails). Datagrams and bytes are
# the protocol's: a fraction of a datagram more per session is a real change. Allocation varies a
# few hundred bytes between runs with what the JIT inlined (245-361 B in two runs), so 512 B or 3 %,
# and a planted 1 KiB per session fails (perf-reports/counts/2026-12-05-gate-proof.md). System calls depend on how many datagrams one read
# returns and how often a loop sleeps, which follow the load's timing: two runs of the same build
# differed by 24 %, so only a rise past 40 % (a system call per datagram, a log write per session) fails.
tolerance() { # COUNT -> "SHARE ABSOLUTE"
  case "$1" in
    datagrams_*) echo "0.03 0.05" ;;
    bytes_*) echo "0.03 20" ;;
    alloc_*) echo "0.03 512" ;;
    syscalls) echo "0.40 1" ;;
    threads) echo "0 2" ;;
    fds) echo "0 4" ;;
  esac
}

echo "bench/counts.sh: building the router, the plugin SDK and the probe ..." >&2
mvn -B -q -ntp -DskipTests -pl router/dist,plugins/sdk -am package >&2
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$top/router/dist/target/hyrouter.jar"
sdk_jar=$(ls plugins/sdk/target/hyrouter-plugin-sdk-*-all.jar | head -1)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=15620; admin_port=19620
syscall_note=""
if command -v perf >/dev/null && perf stat -e raw_syscalls:sys_enter -x, -- true > /dev/null 2> "$work/perf-check"; then
  have_perf=1
else
  have_perf=0
  syscall_note="not counted: perf's raw_syscalls:sys_enter tracepoint is not available here ($(command -v perf > /dev/null && head -c 200 "$work/perf-check" | tr '\n' ' ' || echo 'no perf'))"
fi

metrics() { exec 3<>/dev/tcp/127.0.0.1/$admin_port && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3; exec 3<&-; }
metric() { # NAME FILE -> sum over the label sets matching NAME (a bare name or name{labels})
  awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%.0f\n", s}' "$2"
}
probe() { # COUNT -> the probe's JSON line
  "$java_bin" -cp "$jar" dev.hyrouter.cli.Main probe \
    --target "127.0.0.1:$port" --sni play.localhost --count "$1" --concurrency 16 --timeout 10s
}
json_num() { sed -E "s/.*\"$1\":([0-9.eE+-]+).*/\\1/" "$2"; }

"$java_bin" -jar "$sdk_jar" --listen 127.0.0.1:17677 > "$work/grpc.log" 2>&1 &
pids+=($!)

results="$work/results.tsv"
: > "$results"
for variant in ${variants//,/ }; do
  cfg="$work/$variant.yaml"
  # The bundled config on a loopback port; one client address, so per-address limits off; Retry never
  # (a Retry is a round trip more, measured by the flood report, not here).
  sed -e "s/^listen: .*/listen: \"127.0.0.1:$port\"/" router/config/hyrouter.yaml > "$cfg"
  printf '\nlimits: {max_connections_per_ip: 0, new_connections_per_ip: 0, retry: never}\nadmin: {listen: "127.0.0.1:%s"}\n' "$admin_port" >> "$cfg"
  case "$variant" in
    bundled) ;;
    wasm) printf 'plugins:\n  - {name: wat, type: wasm, stage: mutate, timeout: 1s, wasm: {path: %s}}\n' "$top/plugins/examples/wat-plugin/plugin.wasm" >> "$cfg" ;;
    grpc) printf 'plugins:\n  - {name: grpc, type: grpc, stage: deny, timeout: 1s, grpc: {address: 127.0.0.1:17677}}\n' >> "$cfg" ;;
    *) echo "bench/counts.sh: unknown variant $variant (bundled, wasm, grpc)" >&2; exit 2 ;;
  esac
  "$java_bin" -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    -jar "$jar" -config "$cfg" > "$work/$variant.log" 2>&1 &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 100); do
    probe 1 > /dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/$variant.log" >&2; echo "bench/counts.sh: the router exited" >&2; exit 1; }
    sleep 0.3
  done
  probe "$warm" > /dev/null 2>&1 || true
  metrics > "$work/m0"
  if [ "$have_perf" = 1 ]; then
    perf stat -e raw_syscalls:sys_enter -x, -p "$pid" -o "$work/perf.txt" &
    perf_pid=$!
    sleep 0.5 # perf attaches to every thread before the measured sessions start
  fi
  probe "$sessions" > "$work/probe.json" 2> "$work/probe.err" || { cat "$work/probe.json" "$work/probe.err" >&2; echo "bench/counts.sh: $variant: sessions failed" >&2; exit 1; }
  if [ "$have_perf" = 1 ]; then
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
    calls=$(awk -F, '$3 ~ /raw_syscalls:sys_enter/ {print $1}' "$work/perf.txt")
  fi
  metrics > "$work/m1"
  n=$(json_num sessions "$work/probe.json")
  failed=$(json_num failed "$work/probe.json")
  [ "$failed" = 0 ] || { cat "$work/probe.json" >&2; echo "bench/counts.sh: $variant: $failed sessions failed" >&2; exit 1; }
  loop0=$(metric 'hyrouter_thread_allocated_bytes_total{threads="hyrouter-quic-#-#"}' "$work/m0")
  loop1=$(metric 'hyrouter_thread_allocated_bytes_total{threads="hyrouter-quic-#-#"}' "$work/m1")
  all0=$(metric hyrouter_thread_allocated_bytes_total "$work/m0")
  all1=$(metric hyrouter_thread_allocated_bytes_total "$work/m1")
  sleep 1 # connections the client closed last leave the router's tables
  threads=$(ls "/proc/$pid/task" | wc -l)
  fds=$(ls "/proc/$pid/fd" | wc -l)
  {
    printf '%s\tdatagrams_in\t%s\n' "$variant" "$(json_num sent "$work/probe.json")"
    printf '%s\tdatagrams_out\t%s\n' "$variant" "$(json_num received "$work/probe.json")"
    printf '%s\tbytes_in\t%s\n' "$variant" "$(json_num bytes_sent "$work/probe.json")"
    printf '%s\tbytes_out\t%s\n' "$variant" "$(json_num bytes_received "$work/probe.json")"
    printf '%s\talloc_loops\t%s\n' "$variant" "$(( (loop1 - loop0) / n ))"
    printf '%s\talloc_all\t%s\n' "$variant" "$(( (all1 - all0) / n ))"
    [ "$have_perf" = 1 ] && printf '%s\tsyscalls\t%s\n' "$variant" "$(awk -v c="$calls" -v n="$n" 'BEGIN {printf "%.2f", c / n}')"
    printf '%s\tthreads\t%s\n' "$variant" "$threads"
    printf '%s\tfds\t%s\n' "$variant" "$fds"
  } >> "$results"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "bench/counts.sh: $variant: $(awk -F'\t' -v v="$variant" '$1 == v {printf "%s=%s ", $2, $3}' "$results")" >&2
done

sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
case "$mode" in
  baseline)
    {
      printf '{\n  "git": "%s",\n  "date": "%s",\n  "cores": %s,\n  "sessions": %s,\n  "warmup": %s,\n  "counts": {\n' "$sha" "$(date -u +%Y-%m-%d)" "$(nproc)" "$sessions" "$warm"
      awk -F'\t' '{printf "%s    \"%s.%s\": %s", (NR > 1 ? ",\n" : ""), $1, $2, $3} END {print ""}' "$results"
      printf '  }\n}\n'
    } > "$baseline"
    echo "bench/counts.sh: wrote $baseline" >&2
    ;;
  gate)
    [ -f "$baseline" ] || { echo "bench/counts.sh: no $baseline (bench/counts.sh --update-baseline)" >&2; exit 1; }
    base_cores=$(sed -nE 's/.*"cores": ([0-9]+).*/\1/p' "$baseline")
    fail=0
    while IFS=$'\t' read -r variant count value; do
      key="$variant.$count"
      was=$(sed -nE "s/.*\"$key\": ([0-9.eE+-]+).*/\\1/p" "$baseline")
      if [ -z "$was" ]; then echo "  $key = $value (not in the baseline)"; continue; fi
      if { [ "$count" = threads ] || [ "$count" = fds ]; } && [ "$base_cores" != "$(nproc)" ]; then
        echo "  $key = $value (baseline $was on $base_cores cores, this machine has $(nproc): not compared)"; continue
      fi
      read -r share slack < <(tolerance "$count")
      verdict=$(awk -v v="$value" -v b="$was" -v s="$share" -v a="$slack" 'BEGIN {
        limit = b * (1 + s); if (b + a > limit) limit = b + a
        d = v - b; pct = b ? 100 * d / b : 0
        if (v > limit) printf "FAIL %+.4g (%+.1f %%, allowed up to %.6g)", d, pct, limit
        else if (v < b - (limit - b)) printf "lower %+.4g (%+.1f %%): an improvement? bench/counts.sh --update-baseline records it", d, pct
        else printf "ok %+.4g (%+.1f %%)", d, pct }')
      echo "  $key = $value, baseline $was: $verdict"
      case "$verdict" in FAIL*) fail=1 ;; esac
    done < "$results"
    [ -n "$syscall_note" ] && echo "  syscalls: $syscall_note"
    if [ "$fail" = 1 ]; then
      echo "bench/counts.sh: FAIL: a count per session rose past its tolerance (above). If the rise is intended, say why in the commit and run bench/counts.sh --update-baseline." >&2
      exit 1
    fi
    echo "bench/counts.sh: PASS (baseline $(sed -nE 's/.*"git": "([^"]+)".*/\1/p' "$baseline"))"
    ;;
  print|report)
    table=$(awk -F'\t' '{v[$1] = v[$1] ? v[$1] : ++nv; name[v[$1]] = $1; c[$2] = c[$2] ? c[$2] : ++nc; cname[c[$2]] = $2; val[$1, $2] = $3}
      END { printf "| count |"; for (i = 1; i <= nv; i++) printf " %s |", name[i]; print ""
            printf "|---|"; for (i = 1; i <= nv; i++) printf "---:|"; print ""
            for (j = 1; j <= nc; j++) { printf "| %s |", cname[j]; for (i = 1; i <= nv; i++) printf " %s |", val[name[i], cname[j]]; print "" } }' "$results")
    echo "$table"
    [ -n "$syscall_note" ] && echo "syscalls: $syscall_note"
    if [ "$mode" = report ]; then
      mkdir -p perf-reports/counts
      f="perf-reports/counts/$(date -u +%Y-%m-%d)-$sha.md"
      {
        echo "# Counts per session at $sha"
        echo
        echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $("$java_bin" -version 2>&1 | head -1)."
        echo "Command: \`bench/counts.sh --report\`; $warm warm-up then $sessions measured sessions per variant, \`hyrouter probe\` with 16 in flight, full handshakes, not pinned."
        echo "in = what the router received, out = what it sent (the client's sockets); alloc in bytes per session; threads and fds after the run."
        echo
        echo "$table"
        [ -n "$syscall_note" ] && { echo; echo "syscalls: $syscall_note"; }
      } > "$f"
      echo "bench/counts.sh: wrote $f" >&2
    fi
    ;;
esac
