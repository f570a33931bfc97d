package dev.hyrouter.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON into the committed report and the gate's verdict ({@code bench/run.sh} calls it):
 * <pre>
 * Report summarize RESULTS.json OUT_DIR BASELINE.json TITLE COMMAND   # summary.md + chart.png
 * Report gate      RUNS_DIR [RERUN_DIR] OUT_DIR BASELINE.json COMMAND  # gate.md, failed.txt; exit 1 on a regression
 * Report baseline  RUNS_DIR BASELINE.json COMMAND                     # refresh the baseline
 * </pre>
 * A runs folder holds one JMH JSON per JVM, each with the calibration and one benchmark.
 * <pre>
 * </pre>
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "summarize" -> {
                need(args, 6);
                summarize(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), args[4], args[5]);
            }
            case "gate" -> {
                need(args, 5);
                boolean rerun = args.length >= 6;
                List<Path> results = rerun ? List.of(Path.of(args[1]), Path.of(args[2])) : List.of(Path.of(args[1]));
                // Each path is a folder of runs.
                int at = rerun ? 3 : 2;
                System.exit(gate(results, Path.of(args[at]), Path.of(args[at + 1]), args[at + 2]) ? 0 : 1);
            }
            case "cpu-id" -> System.out.println(Environment.cpuId());
            case "baseline" -> {
                need(args, 4);
                List<List<JmhResult>> runs = readRuns(Path.of(args[1]));
                Map<String, Gate.Figures> figures = Baseline.medianFigures(runs);
                String measure = measureOf(runs);
                if (!measure.equals(Baseline.MEASURE_CPU)) {
                    System.err.println("baseline not written: some runs lack the CPU-time figure (run JMH with -prof dev.hyrouter.bench.ThreadCpuProfiler)");
                    System.exit(1);
                }
                Baseline.write(Path.of(args[2]), figures, measure, runs.size() / Math.max(1, figures.size()),
                        Environment.capture(runs.get(0), args[3]));
                System.out.println("baseline written: " + args[2] + " (" + figures.size() + " benchmarks)");
            }
            default -> usage();
        }
    }

    private static void need(String[] args, int n) {
        if (args.length < n) {
            usage();
        }
    }

    private static void usage() {
        System.err.println("usage: Report summarize RESULTS.json OUT_DIR BASELINE.json TITLE COMMAND\n"
                + "       Report gate RESULTS.json [RERUN.json] OUT_DIR BASELINE.json COMMAND\n"
                + "       Report cpu-id   (the processor's family-model-stepping, as a baseline records it)\n"
                + "       Report baseline RESULTS.json BASELINE.json COMMAND");
        System.exit(2);
    }

    /** The full report of a run: environment, every result with its allocation, the chart against the baseline. */
    static void summarize(Path resultsFile, Path out, Path baselineFile, String title, String command) throws IOException {
        List<JmhResult> results = JmhResult.read(resultsFile);
        Files.createDirectories(out);
        Map<String, String> env = Environment.capture(results, command);
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        md.append(environmentTable(env)).append('\n');
        md.append("Raw results: [`jmh.json`](jmh.json). B/op is `gc.alloc.rate.norm` from JMH's `-prof gc`; benchmarks that run on ")
                .append("event-loop threads (`EventLoopThreads`) show what an event loop allocates.\n\n");
        String measure = Baseline.measure(results);
        md.append("CPU ns/op is the benchmark threads' own CPU time per operation (`ThreadCpuProfiler`); ÷ calibration divides the ")
                .append(measure).append(" by the calibration's.\n\n");
        md.append("| benchmark | mode | score | ± error | unit | CPU ns/op | B/op | ÷ calibration |\n|---|---|---:|---:|---|---:|---:|---:|\n");
        Map<String, Gate.Figures> figures = hasCalibration(results) ? Baseline.figures(results) : Map.of();
        for (JmhResult r : results) {
            Gate.Figures f = figures.get(r.name());
            md.append("| `").append(r.name()).append("` | ").append(r.mode()).append(" | ").append(num(r.score())).append(" | ")
                    .append(num(r.error())).append(" | ").append(r.unit()).append(" | ").append(num(r.cpuNanosPerOp())).append(" | ")
                    .append(Double.isNaN(r.allocPerOp()) ? "—" : String.format(Locale.ROOT, "%.1f", r.allocPerOp())).append(" | ")
                    .append(f == null ? "—" : String.format(Locale.ROOT, "%.4f", f.ratio())).append(" |\n");
        }
        if (!figures.isEmpty() && Files.exists(baselineFile) && !Baseline.readMeasure(baselineFile).equals(measure)) {
            md.append("\nNo chart: this run's ratios are of ").append(measure).append(", the baseline's of ")
                    .append(Baseline.readMeasure(baselineFile)).append("; they do not compare.\n");
        } else if (!figures.isEmpty() && Files.exists(baselineFile)) {
            List<Gate.Verdict> verdicts = Gate.compare(Baseline.read(baselineFile), figures);
            boolean drawn = Chart.vsBaseline(verdicts, title + ": against the baseline", out.resolve("chart.png"));
            md.append("\n## Against the baseline (`").append(baselineFile.getFileName()).append("`)\n\n")
                    .append(drawn ? "![each benchmark's calibrated time as a percentage of the baseline's](chart.png)\n\n"
                            : "No chart: none of this run's benchmarks is in the baseline, so nothing here compares with it.\n\n")
                    .append("Forked runs and the gate's single-JVM runs calibrate alike, but only the gate's settings are a verdict; ")
                    .append("here the comparison is for reading.\n\n").append(Gate.table(verdicts));
        } else {
            md.append("\nNo chart: the run had no `").append(Baseline.CALIBRATION).append("` or there is no baseline to compare with.\n");
        }
        Files.writeString(out.resolve("summary.md"), md, StandardCharsets.UTF_8);
        System.out.println("report written: " + out.resolve("summary.md"));
    }

    /** The gate: writes gate.md and failed.txt (one failing benchmark a line) into OUT and says whether it passed. */
    static boolean gate(List<Path> resultFiles, Path out, Path baselineFile, String command) throws IOException {
        Files.createDirectories(out);
        Map<String, Gate.Figures> current = new LinkedHashMap<>();
        List<JmhResult> first = null;
        String baselineMeasure = Baseline.readMeasure(baselineFile);
        for (Path dir : resultFiles) {
            List<List<JmhResult>> runs = readRuns(dir);
            first = first == null ? runs.get(0) : first;
            String measure = measureOf(runs);
            if (!measure.equals(baselineMeasure)) {
                throw new IllegalStateException("the gate's runs in " + dir + " measured " + measure + " but the baseline holds "
                        + baselineMeasure + ": ratios of the two do not compare; refresh the baseline with bench/run.sh --update-baseline");
            }
            // A rerun's figures replace the first pass's for the benchmarks it measured again.
            current.putAll(Baseline.medianFigures(runs));
        }
        Map<String, Gate.Figures> baseline = Baseline.read(baselineFile);
        List<Gate.Verdict> verdicts = Gate.compare(baseline, current);
        boolean passed = Gate.passed(verdicts);
        boolean drawn = Chart.vsBaseline(verdicts, "JMH gate", out.resolve("chart.png"));
        StringBuilder md = new StringBuilder("# JMH gate: ").append(passed ? "PASS" : "FAIL").append("\n\n");
        md.append(environmentTable(Environment.capture(first, command))).append('\n');
        md.append("Each benchmark ran in several JVMs, each measuring `").append(Baseline.CALIBRATION)
                .append("` and then the benchmark; the figure is the median over the JVMs of the benchmark's ").append(baselineMeasure)
                .append(" ÷ the calibration's. A benchmark fails when it is ")
                .append(String.format(Locale.ROOT, "more than %.0f %% slower than the baseline, or allocates more than %.0f %% and ",
                        Gate.MAX_SLOWDOWN * 100, Gate.MAX_ALLOC_GROWTH * 100))
                .append(String.format(Locale.ROOT, "%.0f B/op above it; a failing benchmark is run once more before the verdict%s.\n\n",
                        Gate.MAX_ALLOC_EXTRA_BYTES, resultFiles.size() > 1 ? " (this verdict includes that rerun)" : ""));
        md.append(drawn ? "![calibrated time per operation, % of the baseline](chart.png)\n\n"
                : "No chart: no benchmark has figures both in this run and in the baseline.\n\n").append(Gate.table(verdicts));
        Files.writeString(out.resolve("gate.md"), md, StandardCharsets.UTF_8);
        List<String> failed = new ArrayList<>();
        for (Gate.Verdict v : verdicts) {
            if (!v.pass()) {
                failed.add(v.benchmark());
            }
        }
        Files.write(out.resolve("failed.txt"), failed, StandardCharsets.UTF_8);
        System.out.print(Gate.table(verdicts));
        System.out.println(passed ? "JMH gate: PASS" : "JMH gate: FAIL (" + String.join(", ", failed) + ")");
        return passed;
    }

    /** Every JMH JSON file of a folder, one run (JVM) each, in name order. */
    static List<List<JmhResult>> readRuns(Path dir) throws IOException {
        List<List<JmhResult>> runs = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                runs.add(JmhResult.read(f));
            }
        }
        if (runs.isEmpty()) {
            throw new IOException("no JMH results (*.json) in " + dir);
        }
        return runs;
    }

    /** {@link Baseline#MEASURE_CPU} only when every run has the CPU-time figures. */
    private static String measureOf(List<List<JmhResult>> runs) {
        return runs.stream().allMatch(r -> Baseline.measure(r).equals(Baseline.MEASURE_CPU)) ? Baseline.MEASURE_CPU : Baseline.MEASURE_WALL;
    }

    private static boolean hasCalibration(List<JmhResult> results) {
        return results.stream().anyMatch(r -> r.name().equals(Baseline.CALIBRATION));
    }

    private static String environmentTable(Map<String, String> env) {
        StringBuilder b = new StringBuilder("| environment | |\n|---|---|\n");
        env.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
        return b.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
