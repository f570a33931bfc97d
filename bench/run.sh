#!/usr/bin/env bash
# The JMH suite, its report and the performance-regression gate. Run from anywhere:
#   bench/run.sh                      # every benchmark -> perf-reports/jmh/<date>-<sha>/ (summary.md, chart.png, jmh.json)
#   bench/run.sh 'Codec|Frame'        # the benchmarks whose names match (plus the calibration)
#   bench/run.sh --quick [REGEX]      # shorter: 1 fork, 1 warm-up and 2 measured iterations of 1 s
#   bench/run.sh --gate               # CI's gate: the gated subset against perf-reports/baseline.json (~2 min)
#   bench/run.sh --update-baseline    # measure the gated subset and write perf-reports/baseline.json
# Needs a JDK 17+ and Maven; builds bench/target/benchmarks.jar first.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

mode=suite
quick=()
regex=""
for arg in "$@"; do
  case "$arg" in
    --gate) mode=gate ;;
    --update-baseline) mode=baseline ;;
    --quick) quick=(-f 1 -wi 1 -w 1s -i 2 -r 1s) ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "bench/run.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
    *) regex="$arg" ;;
  esac
done

echo "bench/run.sh: building bench/target/benchmarks.jar ..." >&2
mvn -B -q -ntp -DskipTests -pl bench -am package >&2
jar="$top/bench/target/benchmarks.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
sha="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
stamp="$(date -u +%Y-%m-%d)-$sha"
report=(-cp "$jar" dev.hyrouter.bench.report.Report)

# The gated subset: fast, stable benchmarks on the per-connection path. Each runs in 3 forks
# (the score is the median of the forks' means) with the router's flags, on event-loop threads,
# next to the calibration's forks. Left out because their calibrated ratio moved by more than the
# 25 % limit between runs of the same commit (perf-reports/jmh/README.md): the 10,000-route
# table (cache-bound), the plugin chain (a timer thread), strategies over 1,000 backends, WASM.
gate_flags=()
gate_jmh=(-f 3 -wi 2 -w 1s -i 3 -r 1s -bm avgt -tu ns -prof gc
  -jvmArgsAppend "-XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled -Dio.netty.allocator.useCacheForAllThreads=true --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Djmh.executor=CUSTOM -Djmh.executor.class=dev.hyrouter.bench.EventLoopThreads"
  )
gate_benchmarks=(
  'CalibrationBenchmark\.cpuAndMemory$'
  'CodecBenchmark\.(decodeConnectV1|decodeConnectV2|encodeSignedReferralFrame|encodeDisconnectFrameFromTemplate)$'
  'FrameBenchmark\.threeFragments$'
  'PluginJsonBenchmark\.(encodeRequestDslJson|decodeResponseDslJson)$'
  'PipelineBenchmark\.frameInAnswerOut$'
)
run_gate_jmh() { # OUT_JSON REGEX...
  local out="$1"; shift
  "$java_bin" ${gate_flags[@]+"${gate_flags[@]}"} -jar "$jar" "${gate_jmh[@]}" -rf json -rff "$out" "$@"
}

case "$mode" in
  suite)
    out="perf-reports/jmh/$stamp"
    mkdir -p "$out"
    selection=()
    [ -n "$regex" ] && selection=("$regex" 'CalibrationBenchmark')
    command="bench/run.sh${quick[*]:+ --quick}${regex:+ '$regex'}"
    "$java_bin" -jar "$jar" "${quick[@]}" -prof gc -rf json -rff "$out/jmh.json" "${selection[@]}"
    "$java_bin" "${report[@]}" summarize "$out/jmh.json" "$out" perf-reports/baseline.json "JMH suite $stamp" "$command"
    ;;
  gate)
    out="bench/target/gate"
    rm -rf "$out" && mkdir -p "$out"
    run_gate_jmh "$out/jmh.json" "${gate_benchmarks[@]}"
    if "$java_bin" "${report[@]}" gate "$out/jmh.json" "$out" perf-reports/baseline.json "bench/run.sh --gate"; then
      exit 0
    fi
    # Noise gets one more chance: rerun only what failed, with the calibration, in a fresh JVM.
    mapfile -t failed < "$out/failed.txt"
    rerun=('CalibrationBenchmark\.cpuAndMemory$')
    for name in "${failed[@]}"; do
      rerun+=("${name%%\[*}\$")
    done
    echo "bench/run.sh: running again before the verdict: ${failed[*]}" >&2
    run_gate_jmh "$out/rerun.json" "${rerun[@]}"
    "$java_bin" "${report[@]}" gate "$out/jmh.json" "$out/rerun.json" "$out" perf-reports/baseline.json "bench/run.sh --gate"
    ;;
  baseline)
    out="bench/target/baseline"
    rm -rf "$out" && mkdir -p "$out"
    run_gate_jmh "$out/jmh.json" "${gate_benchmarks[@]}"
    "$java_bin" "${report[@]}" baseline "$out/jmh.json" perf-reports/baseline.json "bench/run.sh --update-baseline"
    ;;
esac
