#!/usr/bin/env bash
# The JMH suite, its report and the performance-regression gate. Run from anywhere:
#   bench/run.sh                      # every benchmark -> perf-reports/jmh/<date>-<sha>/ (summary.md, chart.png, jmh.json)
#   bench/run.sh 'Codec|Frame'        # the benchmarks whose names match (plus the calibration)
#   bench/run.sh --quick [REGEX]      # shorter: 1 fork, 1 warm-up and 2 measured iterations of 1 s
#   bench/run.sh --gate               # CI's gate: the gated subset against perf-reports/baseline.json (~4 min)
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

# The gated subset: fast, stable benchmarks on the per-connection path. Each is measured in
# several short JVMs (rounds), every JVM measuring the calibration and then the benchmark, with
# the router's flags, on event-loop threads; the figure is the median over the JVMs of
# benchmark ÷ calibration. Calibration and benchmark run seconds apart in the same process, so a
# machine that is slower or busier for a while slows both (perf-reports/jmh/2026-11-25-gate-design.md).
# The figures are the benchmark threads' own CPU time per operation (ThreadCpuProfiler), not wall
# time: a process sharing the core takes wall time from calibration and benchmark in whatever
# shares the scheduler happens to give each. -Xbatch (a method waits for its compiled code) and two
# warm-up iterations: the warm-up ends in compiled code even when another process halves its CPU.
# A small fixed young generation: allocation stays in cache instead of following the eden size
# that the parallel GC's adaptive policy picks from (scheduler-stretched) pause times
# (perf-reports/jmh/2026-11-30-gate-contention.md).
gate_rounds=5
gate_flags=(-Xbatch -Xms512m -Xmx512m -Xmn24m -XX:-UseAdaptiveSizePolicy -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled -Dio.netty.allocator.useCacheForAllThreads=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  -Djmh.executor=CUSTOM -Djmh.executor.class=dev.hyrouter.bench.EventLoopThreads)
gate_jmh=(-f 0 -wi 2 -w 1s -i 2 -r 500ms -bm avgt -tu ns -prof gc -prof dev.hyrouter.bench.ThreadCpuProfiler)
# PluginJsonBenchmark.encodeRequestDslJson is left out: its JVMs land in one of two modes (510-570
# or 720-810 ns CPU, same B/op), a JIT decision, so a median of five can fail an unchanged commit.
gate_benchmarks=(
  'CodecBenchmark\.decodeConnectV1$'
  'CodecBenchmark\.decodeConnectV2$'
  'CodecBenchmark\.encodeSignedReferralFrame$'
  'FrameBenchmark\.threeFragments$'
  'PluginJsonBenchmark\.decodeResponseDslJson$'
  'PipelineBenchmark\.frameInAnswerOut$'
)
run_gate_jmh() { # OUT_DIR ROUNDS BENCHMARK_REGEX...: one JVM per round and benchmark, round-robin
  local dir="$1" rounds="$2"; shift 2
  mkdir -p "$dir"
  local round i b
  for round in $(seq 1 "$rounds"); do
    i=0
    for b in "$@"; do
      i=$((i + 1))
      "$java_bin" "${gate_flags[@]}" -jar "$jar" "${gate_jmh[@]}" -rf json -rff "$dir/b$i-r$round.json" \
        'CalibrationBenchmark\.cpuAndMemory$' "$b" > "$dir/b$i-r$round.log" 2>&1 \
        || { cat "$dir/b$i-r$round.log" >&2; echo "bench/run.sh: JMH failed on $b" >&2; exit 1; }
    done
    echo "bench/run.sh: round $round of $rounds done" >&2
  done
}

case "$mode" in
  suite)
    out="perf-reports/jmh/$stamp"
    mkdir -p "$out"
    selection=()
    [ -n "$regex" ] && selection=("$regex" 'CalibrationBenchmark')
    command="bench/run.sh${quick[*]:+ --quick}${regex:+ '$regex'}"
    "$java_bin" -jar "$jar" "${quick[@]}" -prof gc -prof dev.hyrouter.bench.ThreadCpuProfiler -rf json -rff "$out/jmh.json" "${selection[@]}"
    "$java_bin" "${report[@]}" summarize "$out/jmh.json" "$out" perf-reports/baseline.json "JMH suite $stamp" "$command"
    ;;
  gate)
    out="bench/target/gate"
    rm -rf "$out" && mkdir -p "$out"
    run_gate_jmh "$out/runs" "$gate_rounds" "${gate_benchmarks[@]}"
    if "$java_bin" "${report[@]}" gate "$out/runs" "$out" perf-reports/baseline.json "bench/run.sh --gate"; then
      exit 0
    fi
    # Noise gets one more chance: measure only what failed again, in fresh JVMs, twice as many.
    mapfile -t failed < "$out/failed.txt"
    rerun=()
    for name in "${failed[@]}"; do
      rerun+=("${name%%\[*}\$")
    done
    echo "bench/run.sh: measuring again before the verdict: ${failed[*]}" >&2
    # Twice the rounds for the few that failed: a median of more JVMs is harder to push over the limit by noise.
    run_gate_jmh "$out/rerun" $((gate_rounds * 2)) "${rerun[@]}"
    "$java_bin" "${report[@]}" gate "$out/runs" "$out/rerun" "$out" perf-reports/baseline.json "bench/run.sh --gate"
    ;;
  baseline)
    out="bench/target/baseline"
    rm -rf "$out" && mkdir -p "$out"
    # Twice the rounds of a gate run: the reference should be the steadier side.
    run_gate_jmh "$out/runs" $((gate_rounds * 2)) "${gate_benchmarks[@]}"
    "$java_bin" "${report[@]}" baseline "$out/runs" perf-reports/baseline.json "bench/run.sh --update-baseline"
    ;;
esac
