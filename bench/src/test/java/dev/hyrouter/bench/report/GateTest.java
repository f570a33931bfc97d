package dev.hyrouter.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's comparison on made-up figures: what passes, what fails, and what it says. */
class GateTest {
    private static final Map<String, Gate.Figures> BASELINE = Map.of(
            "CodecBenchmark.decodeConnectV2", new Gate.Figures(0.10, 0),
            "PluginJsonBenchmark.encodeRequestDslJson", new Gate.Figures(1.00, 200));

    private static Gate.Verdict only(List<Gate.Verdict> verdicts, String name) {
        return verdicts.stream().filter(v -> v.benchmark().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void thirtyPercentSlowerFailsWithItsReason() {
        List<Gate.Verdict> v = Gate.compare(BASELINE, Map.of(
                "CodecBenchmark.decodeConnectV2", new Gate.Figures(0.13, 0),
                "PluginJsonBenchmark.encodeRequestDslJson", new Gate.Figures(1.00, 200)));
        Gate.Verdict slow = only(v, "CodecBenchmark.decodeConnectV2");
        assertThat(slow.pass()).isFalse();
        assertThat(slow.reason()).isEqualTo("30 % slower than the baseline (limit 25 %)");
        assertThat(slow.change()).isCloseTo(0.30, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Gate.passed(v)).isFalse();
        assertThat(Gate.table(v)).contains("| `CodecBenchmark.decodeConnectV2` | 0.1000 | 0.1300 | +30.0 % | 0 → 0 | **FAIL**: 30 % slower");
    }

    @Test
    void twentyPercentMoreAllocationFails() {
        List<Gate.Verdict> v = Gate.compare(BASELINE, Map.of(
                "CodecBenchmark.decodeConnectV2", new Gate.Figures(0.10, 0),
                "PluginJsonBenchmark.encodeRequestDslJson", new Gate.Figures(1.00, 240)));
        Gate.Verdict alloc = only(v, "PluginJsonBenchmark.encodeRequestDslJson");
        assertThat(alloc.pass()).isFalse();
        assertThat(alloc.reason()).isEqualTo("allocates 240 B/op, 40 B/op above the baseline's 200 (limit +10 % and +16 B)");
    }

    @Test
    void smallChangesPass() {
        List<Gate.Verdict> v = Gate.compare(BASELINE, Map.of(
                // 24 % slower: inside the limit.
                "CodecBenchmark.decodeConnectV2", new Gate.Figures(0.124, 8),
                // 15 B/op more is under the 16 B floor even though it is 7.5 %; faster is fine.
                "PluginJsonBenchmark.encodeRequestDslJson", new Gate.Figures(0.50, 215)));
        assertThat(v).allMatch(Gate.Verdict::pass);
        assertThat(Gate.passed(v)).isTrue();
    }

    @Test
    void aTinyAllocationGrowingPastTheFloorFails() {
        // From 0 to 24 B/op: above 16 B and above +10 % of nothing.
        List<Gate.Verdict> v = Gate.compare(Map.of("P.frameInAnswerOut", new Gate.Figures(1, 0)),
                Map.of("P.frameInAnswerOut", new Gate.Figures(1, 24)));
        assertThat(v.get(0).pass()).isFalse();
    }

    @Test
    void aMissingBenchmarkFailsAndANewOnePasses() {
        List<Gate.Verdict> v = Gate.compare(BASELINE, Map.of(
                "CodecBenchmark.decodeConnectV2", new Gate.Figures(0.10, 0),
                "FrameBenchmark.threeFragments", new Gate.Figures(0.5, 0)));
        assertThat(only(v, "PluginJsonBenchmark.encodeRequestDslJson").reason()).isEqualTo("missing: in the baseline but not run");
        assertThat(only(v, "PluginJsonBenchmark.encodeRequestDslJson").pass()).isFalse();
        assertThat(only(v, "FrameBenchmark.threeFragments").pass()).isTrue();
        assertThat(only(v, "FrameBenchmark.threeFragments").reason()).startsWith("new:");
    }

    @Test
    void figuresAreScoresDividedByTheCalibrationInNanoseconds() {
        Map<String, String> run = Map.of();
        List<JmhResult> results = List.of(
                new JmhResult(Baseline.CALIBRATION, "avgt", 200, 1, "ns/op", 64, run),
                new JmhResult("GrpcCallBenchmark.call[channels=pooled]", "avgt", 50, 1, "us/op", 5000, run),
                new JmhResult("WasmCallBenchmark.callOneThread", "thrpt", 3, 0.1, "ops/us", Double.NaN, run));
        Map<String, Gate.Figures> f = Baseline.figures(results);
        assertThat(f).containsOnlyKeys("GrpcCallBenchmark.call[channels=pooled]");
        assertThat(f.get("GrpcCallBenchmark.call[channels=pooled]").ratio()).isEqualTo(250.0);
        assertThat(f.get("GrpcCallBenchmark.call[channels=pooled]").allocPerOp()).isEqualTo(5000.0);
    }

    @Test
    void withCpuFiguresTheRatioIsCpuTimeOverTheCalibrationsCpuTime() {
        Map<String, String> run = Map.of();
        // Wall time says 2.0 (the benchmark waited for a core); its own CPU time says 0.5.
        List<JmhResult> results = List.of(
                new JmhResult(Baseline.CALIBRATION, "avgt", 1000, 1, "ns/op", 64, 800, run),
                new JmhResult("PipelineBenchmark.frameInAnswerOut", "avgt", 2000, 1, "ns/op", 0, 400, run));
        assertThat(Baseline.measure(results)).isEqualTo(Baseline.MEASURE_CPU);
        assertThat(Baseline.figures(results).get("PipelineBenchmark.frameInAnswerOut").ratio()).isEqualTo(0.5);
    }

    @Test
    void aRunMissingAnyCpuFigureFallsBackToWallTimeForAll() {
        Map<String, String> run = Map.of();
        List<JmhResult> results = List.of(
                new JmhResult(Baseline.CALIBRATION, "avgt", 1000, 1, "ns/op", 64, 800, run),
                new JmhResult("PipelineBenchmark.frameInAnswerOut", "avgt", 2000, 1, "ns/op", 0, run));
        assertThat(Baseline.measure(results)).isEqualTo(Baseline.MEASURE_WALL);
        assertThat(Baseline.figures(results).get("PipelineBenchmark.frameInAnswerOut").ratio()).isEqualTo(2.0);
    }

    @Test
    void theGateRefusesABaselineTakenWithAnotherMeasure(@TempDir Path dir) throws Exception {
        Path baseline = dir.resolve("baseline.json");
        Baseline.write(baseline, Map.of("PipelineBenchmark.frameInAnswerOut", new Gate.Figures(0.4, 0)), Baseline.MEASURE_WALL, 10, Map.of());
        assertThat(Baseline.readMeasure(baseline)).isEqualTo(Baseline.MEASURE_WALL);
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Files.writeString(runs.resolve("b1-r1.json"), """
                [{"benchmark":"dev.hyrouter.bench.CalibrationBenchmark.cpuAndMemory","mode":"avgt",
                  "primaryMetric":{"score":1000,"scoreError":1,"scoreUnit":"ns/op"},
                  "secondaryMetrics":{"cpu.time.norm":{"score":900,"scoreUnit":"ns/op"}}},
                 {"benchmark":"dev.hyrouter.bench.PipelineBenchmark.frameInAnswerOut","mode":"avgt",
                  "primaryMetric":{"score":500,"scoreError":1,"scoreUnit":"ns/op"},
                  "secondaryMetrics":{"cpu.time.norm":{"score":450,"scoreUnit":"ns/op"}}}]
                """);
        assertThatThrownBy(() -> Report.gate(List.of(runs), dir.resolve("out"), baseline, "test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("measured thread CPU time per op but the baseline holds wall time per op")
                .hasMessageContaining("bench/run.sh --update-baseline");
    }
}
