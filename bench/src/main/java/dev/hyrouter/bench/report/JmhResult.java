package dev.hyrouter.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark's result from JMH's JSON ({@code -rf json}).
 *
 * @param name         {@code Class.method} with its parameters, e.g. {@code StrategyBenchmark.decide[strategy=p2c]}
 * @param allocPerOp   bytes allocated per operation ({@code gc.alloc.rate.norm} from {@code -prof gc}), NaN without it
 * @param cpuNanosPerOp CPU time of the benchmark threads per operation in ns
 *                      ({@code cpu.time.norm} from {@code -prof dev.hyrouter.bench.ThreadCpuProfiler}), NaN without it
 */
public record JmhResult(String name, String mode, double score, double error, String unit, double allocPerOp, double cpuNanosPerOp,
        Map<String, String> run) {
    /** The profiler's metric name ({@code dev.hyrouter.bench.ThreadCpuProfiler#METRIC}; this package does not depend on JMH's classes). */
    static final String CPU_METRIC = "cpu.time.norm";

    /** A result without a CPU-time figure. */
    public JmhResult(String name, String mode, double score, double error, String unit, double allocPerOp, Map<String, String> run) {
        this(name, mode, score, error, unit, allocPerOp, Double.NaN, run);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads every result of a JMH JSON file, with the run's settings (JVM, forks, iterations) in {@link #run()}. */
    public static List<JmhResult> read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        List<JmhResult> out = new ArrayList<>();
        for (JsonNode b : root) {
            String full = b.path("benchmark").asText();
            String[] parts = full.split("\\.");
            String name = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : full;
            JsonNode params = b.path("params");
            if (params.isObject() && params.size() > 0) {
                StringBuilder p = new StringBuilder("[");
                Iterator<Map.Entry<String, JsonNode>> it = params.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String v = e.getValue().asText();
                    // Module paths: the file name says enough.
                    v = v.contains("/") ? v.substring(v.lastIndexOf('/', v.lastIndexOf('/') - 1) + 1) : v;
                    p.append(e.getKey()).append('=').append(v).append(it.hasNext() ? "," : "]");
                }
                name += p;
            }
            JsonNode primary = b.path("primaryMetric");
            double alloc = Double.NaN;
            JsonNode norm = b.path("secondaryMetrics").path("gc.alloc.rate.norm");
            if (!norm.isMissingNode()) {
                alloc = norm.path("score").asDouble();
            }
            JsonNode cpu = b.path("secondaryMetrics").path(CPU_METRIC);
            double cpuPerOp = cpu.isMissingNode() ? Double.NaN : medianOfForks(cpu);
            Map<String, String> run = new TreeMap<>();
            for (String key : List.of("jmhVersion", "jdkVersion", "vmName", "vmVersion", "jvm", "forks", "warmupIterations", "warmupTime",
                    "measurementIterations", "measurementTime", "threads")) {
                if (b.has(key)) {
                    run.put(key, b.get(key).asText());
                }
            }
            if (b.has("jvmArgs")) {
                List<String> args = new ArrayList<>();
                b.get("jvmArgs").forEach(a -> args.add(a.asText()));
                run.put("jvmArgs", String.join(" ", args));
            }
            out.add(new JmhResult(name, b.path("mode").asText(), medianOfForks(primary), primary.path("scoreError").asDouble(),
                    primary.path("scoreUnit").asText(), medianOfForks(norm.isMissingNode() ? null : norm, alloc), cpuPerOp, run));
        }
        return out;
    }

    /**
     * With several forks, the median of the forks' means: a fork whose JIT took a worse turn moves
     * it far less than it moves JMH's mean over every iteration.
     */
    static double medianOfForks(JsonNode metric) {
        return medianOfForks(metric, metric.path("score").asDouble());
    }

    private static double medianOfForks(JsonNode metric, double fallback) {
        if (metric == null) {
            return fallback;
        }
        JsonNode raw = metric.path("rawData");
        if (!raw.isArray() || raw.size() < 2) {
            return fallback;
        }
        double[] means = new double[raw.size()];
        for (int f = 0; f < raw.size(); f++) {
            double sum = 0;
            for (JsonNode v : raw.get(f)) {
                sum += v.asDouble();
            }
            means[f] = raw.get(f).size() == 0 ? fallback : sum / raw.get(f).size();
        }
        java.util.Arrays.sort(means);
        int n = means.length;
        return n % 2 == 1 ? means[n / 2] : (means[n / 2 - 1] + means[n / 2]) / 2;
    }

    /** Lower is better (time per operation), as opposed to throughput. */
    public boolean timePerOp() {
        return unit.endsWith("/op");
    }
}
