package dev.hyrouter.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment table states the run's settings as they were, not the first benchmark's for all. */
class EnvironmentTest {
    private static JmhResult result(String name, String warmupTime) {
        return new JmhResult(name, "avgt", 1, 0, "ns/op", 0, Map.of("warmupTime", warmupTime, "forks", "1"));
    }

    @Test
    void aSettingTheBenchmarksShareIsOneValueAndOneThatDiffersNamesWhoHadWhich() {
        List<JmhResult> run = List.of(
                result("dev.hyrouter.bench.WasmCallBenchmark.callOneThread[mode=compiled,module=plugins/examples/wat-plugin/plugin.wasm]", "2 s"),
                result("dev.hyrouter.bench.CodecBenchmark.decodeConnectV1", "1 s"),
                result("dev.hyrouter.bench.CodecBenchmark.decodeConnectV2", "1 s"),
                result("dev.hyrouter.bench.GrpcCallBenchmark.call[channels=pooled]", "2 s"));
        assertThat(Environment.distinct(run, "forks")).isEqualTo("1");
        assertThat(Environment.distinct(run, "warmupTime")).isEqualTo("2 s (WasmCallBenchmark, GrpcCallBenchmark); 1 s (CodecBenchmark)");
        assertThat(Environment.capture(run, "bench/run.sh").get("jmh")).contains("warm-up  × 2 s (WasmCallBenchmark, GrpcCallBenchmark); 1 s (CodecBenchmark)");
    }
}
