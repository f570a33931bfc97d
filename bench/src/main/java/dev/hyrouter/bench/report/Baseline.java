package dev.hyrouter.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perf-reports/baseline.json}: the calibrated figures of the gate's benchmarks on a known
 * good commit, with the environment they were measured in. Written by
 * {@code bench/run.sh --update-baseline}, read by the gate.
 */
public final class Baseline {
    /** The benchmark every score is divided by. */
    public static final String CALIBRATION = "CalibrationBenchmark.cpuAndMemory";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Baseline() {
    }

    /** What the ratios divide: the benchmark threads' CPU time per operation, or wall time where a run lacks it. */
    public static final String MEASURE_CPU = "thread CPU time per op";
    public static final String MEASURE_WALL = "wall time per op";

    /**
     * Calibrated figures of every time-per-op result except the calibration itself: CPU time ÷
     * the calibration's CPU time when the run has {@code ThreadCpuProfiler}'s figures for both,
     * otherwise wall time ÷ wall time (see {@link #measure}).
     */
    public static Map<String, Gate.Figures> figures(List<JmhResult> results) {
        JmhResult calibration = results.stream().filter(r -> r.name().equals(CALIBRATION)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the results have no " + CALIBRATION + ": run it in the same JVM"));
        boolean cpu = measure(results).equals(MEASURE_CPU);
        Map<String, Gate.Figures> out = new LinkedHashMap<>();
        for (JmhResult r : results) {
            if (r.name().equals(CALIBRATION) || !r.timePerOp()) {
                continue;
            }
            double ratio = cpu ? r.cpuNanosPerOp() / calibration.cpuNanosPerOp() : nanos(r) / nanos(calibration);
            out.put(r.name(), new Gate.Figures(ratio, r.allocPerOp()));
        }
        return out;
    }

    /** {@link #MEASURE_CPU} when every time-per-op result of the run has a CPU-time figure, else {@link #MEASURE_WALL}. */
    public static String measure(List<JmhResult> results) {
        boolean all = results.stream().filter(JmhResult::timePerOp).allMatch(r -> !Double.isNaN(r.cpuNanosPerOp()));
        return all ? MEASURE_CPU : MEASURE_WALL;
    }

    static double nanos(JmhResult r) {
        switch (r.unit()) {
            case "ns/op":
                return r.score();
            case "us/op":
                return r.score() * 1e3;
            case "ms/op":
                return r.score() * 1e6;
            case "s/op":
                return r.score() * 1e9;
            default:
                throw new IllegalArgumentException(r.name() + ": unit " + r.unit() + " is not a time per operation");
        }
    }

    /**
     * The gate's figures from several runs, each a JVM that measured the calibration and one or
     * more benchmarks: per benchmark, the median of the runs' ratios (and of their B/op).
     */
    public static Map<String, Gate.Figures> medianFigures(List<List<JmhResult>> runs) {
        Map<String, List<Gate.Figures>> samples = new java.util.TreeMap<>();
        for (List<JmhResult> run : runs) {
            figures(run).forEach((name, f) -> samples.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(f));
        }
        Map<String, Gate.Figures> out = new LinkedHashMap<>();
        samples.forEach((name, list) -> out.put(name, new Gate.Figures(median(list.stream().mapToDouble(Gate.Figures::ratio).toArray()),
                median(list.stream().mapToDouble(Gate.Figures::allocPerOp).filter(d -> !Double.isNaN(d)).toArray()))));
        return out;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    public static void write(Path file, Map<String, Gate.Figures> figures, String measure, int runs, Map<String, String> environment)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("calibration", CALIBRATION);
        root.put("measure", measure);
        root.put("runs_per_benchmark", runs);
        ObjectNode env = root.putObject("environment");
        environment.forEach(env::put);
        ObjectNode benchmarks = root.putObject("benchmarks");
        for (Map.Entry<String, Gate.Figures> e : figures.entrySet()) {
            ObjectNode b = benchmarks.putObject(e.getKey());
            b.put("ratio", e.getValue().ratio());
            if (!Double.isNaN(e.getValue().allocPerOp())) {
                b.put("alloc_bytes_per_op", e.getValue().allocPerOp());
            }
        }
        JSON.writeValue(file.toFile(), root);
    }

    /** The measure a baseline file's ratios were taken with; files written before it was recorded measured wall time. */
    public static String readMeasure(Path file) throws IOException {
        return JSON.readTree(file.toFile()).path("measure").asText(MEASURE_WALL);
    }

    public static Map<String, Gate.Figures> read(Path file) throws IOException {
        JsonNode benchmarks = JSON.readTree(file.toFile()).path("benchmarks");
        Map<String, Gate.Figures> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = benchmarks.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode alloc = e.getValue().get("alloc_bytes_per_op");
            out.put(e.getKey(), new Gate.Figures(e.getValue().path("ratio").asDouble(), alloc == null ? Double.NaN : alloc.asDouble()));
        }
        return out;
    }
}
