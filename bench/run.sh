#!/usr/bin/env bash
# The JMH suite, its report and the performance-regression gate. Run from anywhere:
#   bench/run.sh                      # every benchmark -> perf-reports/jmh/<date>-<sha>/ (summary.md, chart.png, jmh.json)
#   bench/run.sh 'Codec|Frame'        # the benchmarks whose names match (plus the calibration) -> <date>-<sha>-partial/
#   bench/run.sh --quick [REGEX]      # shorter: 1 fork, 1 warm-up and 2 measured iterations of 1 s
#   bench/run.sh --gate               # CI's gate: the gated subset against perf-reports/baseline.json (~4 min;
#                                     # on another processor than the baseline's: against perf-reports/baselines/<processor>.json
#                                     # where there is one, else the baseline's commit built and measured too, ~10 min)
#   bench/run.sh --update-baseline    # measure the gated subset and write perf-reports/baseline.json (and drop
#                                     # the per-processor ones: they hold for the code the old one was measured at)
#   bench/run.sh --add-baseline       # measure the gated subset and write perf-reports/baselines/<this processor>.json
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
    --add-baseline) mode=processor-baseline ;;
    --quick) quick=(-f 1 -wi 1 -w 1s -i 2 -r 1s) ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
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
gate_rounds="${GATE_ROUNDS:-5}"  # GATE_ROUNDS: fewer only to try the script itself
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
run_gate_jmh() { # JAR OUT_DIR FIRST_ROUND LAST_ROUND BENCHMARK_REGEX...: one JVM per round and benchmark, round-robin
  local use_jar="$1" dir="$2" first="$3" last="$4"; shift 4
  mkdir -p "$dir"
  local round i b
  for round in $(seq "$first" "$last"); do
    i=0
    for b in "$@"; do
      i=$((i + 1))
      "$java_bin" "${gate_flags[@]}" -jar "$use_jar" "${gate_jmh[@]}" -rf json -rff "$dir/b$i-r$round.json" \
        'CalibrationBenchmark\.cpuAndMemory$' "$b" > "$dir/b$i-r$round.log" 2>&1 \
        || { cat "$dir/b$i-r$round.log" >&2; echo "bench/run.sh: JMH failed on $b" >&2; exit 1; }
    done
    echo "bench/run.sh: round $round of $last done${ref_jar:+ ($(basename "$dir"))}" >&2
  done
}

# Rounds FIRST..LAST of the gated benchmarks, alternating this build with the reference build
# (ref_jar, when the gate measures the baseline's commit in the same run) round by round.
measure_rounds() { # OUT_DIR FIRST LAST BENCHMARK_REGEX...
  local dir="$1" first="$2" last="$3" round; shift 3
  for round in $(seq "$first" "$last"); do
    [ -n "$ref_jar" ] && run_gate_jmh "$ref_jar" "$dir-ref" "$round" "$round" "$@"
    run_gate_jmh "$jar" "$dir" "$round" "$round" "$@"
  done
}
ref_jar=""

case "$mode" in
  suite)
    # A selection or --quick is not a suite run: its folder says so (it compares with nothing committed).
    if [ -n "$regex" ] || [ ${#quick[@]} -gt 0 ]; then stamp="$stamp-partial"; fi
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
    baseline=perf-reports/baseline.json
    # A baseline holds on the processor it was recorded on: benchmark and calibration do not speed
    # up alike from one generation to the next (an EPYC of family 23 read +37-68 % on every gated
    # benchmark, for the baseline's own commit as for HEAD). On another processor the gate builds
    # the baseline's commit and measures both builds here, alternating: an A/B of the same run.
    here="$("$java_bin" "${report[@]}" cpu-id)"
    # One measured on this processor (bench/run.sh --add-baseline) spares the A/B's second build.
    if [ -f "perf-reports/baselines/$here.json" ]; then
      baseline="perf-reports/baselines/$here.json"
      echo "bench/run.sh: against $baseline (recorded on this processor)" >&2
    fi
    recorded="$(sed -n 's/.*"cpu_id" *: *"\([^"]*\)".*/\1/p' "$baseline")"
    if [ "$here" != "$recorded" ]; then
      ref="$(sed -n 's/.*"git" *: *"\([0-9a-f]\{7,\}\).*/\1/p' "$baseline")"
      echo "bench/run.sh: the baseline was recorded on processor ${recorded:-unknown}, this is $here:" \
        "building its commit $ref to measure both here, alternating" >&2
      ref_dir="$(mktemp -d /tmp/hyrouter-gate-ref.XXXXXX)"
      trap 'git worktree remove --force "$ref_dir/src" >/dev/null 2>&1 || true; rm -rf "$ref_dir"' EXIT
      git worktree add --detach -q "$ref_dir/src" "$ref" \
        || { echo "bench/run.sh: commit $ref (the baseline's) is not in this clone: cannot measure it here" >&2; exit 1; }
      (cd "$ref_dir/src" && mvn -B -q -ntp -DskipTests -pl bench -am package) >&2
      ref_jar="$ref_dir/src/bench/target/benchmarks.jar"
    fi
    measure_rounds "$out/runs" 1 "$gate_rounds" "${gate_benchmarks[@]}"
    if [ -n "$ref_jar" ]; then
      "$java_bin" "${report[@]}" baseline "$out/runs-ref" "$out/baseline-ab.json" "bench/run.sh --gate (A/B reference: $ref)" >&2
      baseline="$out/baseline-ab.json"
    fi
    if "$java_bin" "${report[@]}" gate "$out/runs" "$out" "$baseline" "bench/run.sh --gate"; then
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
    measure_rounds "$out/rerun" 1 $((gate_rounds * 2)) "${rerun[@]}"
    if [ -n "$ref_jar" ]; then
      # The reference's reruns join its first runs (other file names): its medians then come from as many JVMs.
      for f in "$out/rerun-ref"/*.json; do cp "$f" "$out/runs-ref/x$(basename "$f")"; done
      "$java_bin" "${report[@]}" baseline "$out/runs-ref" "$out/baseline-ab.json" "bench/run.sh --gate (A/B reference: $ref)" >&2
    fi
    "$java_bin" "${report[@]}" gate "$out/runs" "$out/rerun" "$out" "$baseline" "bench/run.sh --gate"
    ;;
  baseline|processor-baseline)
    out="bench/target/baseline"
    rm -rf "$out" && mkdir -p "$out"
    # The main reference, or (--add-baseline) a second one for this processor, for the same code as
    # the main one: record it at a commit whose gate passed against that one (the A/B), so both agree.
    if [ "$mode" = baseline ]; then
      dest=perf-reports/baseline.json command="bench/run.sh --update-baseline"
    else
      mkdir -p perf-reports/baselines
      dest="perf-reports/baselines/$("$java_bin" "${report[@]}" cpu-id).json" command="bench/run.sh --add-baseline"
    fi
    # Twice the rounds of a gate run: the reference should be the steadier side.
    run_gate_jmh "$jar" "$out/runs" 1 $((gate_rounds * 2)) "${gate_benchmarks[@]}"
    "$java_bin" "${report[@]}" baseline "$out/runs" "$dest" "$command"
    if [ "$mode" = baseline ] && ls perf-reports/baselines/*.json >/dev/null 2>&1; then
      echo "bench/run.sh: removing the per-processor baselines (measured against the code of the old one): $(ls perf-reports/baselines/)" >&2
      rm -f perf-reports/baselines/*.json
    fi
    ;;
esac
