package dev.hyrouter.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes {@code summary.md} of a load run from the simulations' session logs and the server's CPU
 * and memory sampled by {@code loadtest/run.sh}:
 * <pre>
 * LoadReport runs OUT TITLE COMMAND ENV_FILE LABEL=CSV,CPU_SECONDS,RSS_KIB [...]   # steady / plugins / reference rounds
 * LoadReport capacity OUT TITLE COMMAND ENV_FILE CSV CPU_SECONDS RSS_KIB START STEP LEVELS LEVEL_SECONDS SLO_MS
 * </pre>
 * Rows of the same label (rounds) are summarised by their medians; with labels {@code router}
 * and {@code bare} the summary states "router/bare ratio: X.XX" on its own line.
 */
public final class LoadReport {
    private LoadReport() {
    }

    /** One server run: its session log and the server's resources over the run. */
    /** threadSeconds: CPU seconds per thread group (digits in thread names folded), empty when not measured. */
    record Run(String label, SessionCsv sessions, double cpuSeconds, long rssKib, Map<String, Double> threadSeconds) {
        Run(String label, SessionCsv sessions, double cpuSeconds, long rssKib) {
            this(label, sessions, cpuSeconds, rssKib, Map.of());
        }

        long total() {
            return sessions.ok() + sessions.failed();
        }

        double sessionsPerSecond() {
            return sessions.ok() / Math.max(1.0, sessions.activeSeconds());
        }

        double cpuMicrosPerSession() {
            return total() == 0 ? Double.NaN : cpuSeconds * 1e6 / total();
        }
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 6) {
            System.err.println("usage: see the class comment");
            System.exit(2);
        }
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        String title = args[2];
        String command = args[3];
        String env = Files.readString(Path.of(args[4]), StandardCharsets.UTF_8);
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n").append(env.strip()).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        if (args[0].equals("runs")) {
            List<Run> runs = new ArrayList<>();
            for (int i = 5; i < args.length; i++) {
                runs.add(parseRun(args[i]));
            }
            runs(md, runs);
            threadTable(md, runs);
        } else if (args[0].equals("capacity")) {
            Run run = new Run("router", SessionCsv.read(Path.of(args[5])), Double.parseDouble(args[6]), Long.parseLong(args[7]));
            capacity(md, out, run, Double.parseDouble(args[8]), Double.parseDouble(args[9]), Integer.parseInt(args[10]),
                    Integer.parseInt(args[11]), Double.parseDouble(args[12]));
        } else {
            System.err.println("unknown report " + args[0]);
            System.exit(2);
        }
        // A link only while the folder is there: committed reports often leave Gatling's HTML out (its size).
        if (Files.isDirectory(out.resolve("gatling"))) {
            md.append("\nGatling's own report: [`gatling/`](gatling/) (open its `index.html`; if it is missing here, it was not committed:\n")
                    .append("the per-session CSVs beside this file are its data).\n");
        }
        Files.writeString(out.resolve("summary.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
    }

    private static Run parseRun(String arg) throws IOException {
        int eq = arg.indexOf('=');
        String[] parts = arg.substring(eq + 1).split(",");
        Map<String, Double> threads = new LinkedHashMap<>();
        if (parts.length > 3 && Files.exists(Path.of(parts[3]))) {
            for (String line : Files.readAllLines(Path.of(parts[3]), StandardCharsets.UTF_8)) {
                int tab = line.lastIndexOf('\t');
                if (tab > 0) {
                    threads.merge(line.substring(0, tab), Double.parseDouble(line.substring(tab + 1)), Double::sum);
                }
            }
        }
        return new Run(arg.substring(0, eq), SessionCsv.read(Path.of(parts[0])), Double.parseDouble(parts[1]), Long.parseLong(parts[2]),
                threads);
    }

    /**
     * CPU per session by thread group, medians per variant: attributes a difference between variants to the threads
     * that spend it (an event loop, the access-log agent, GC, the JIT), which a difference of two noisy process totals
     * cannot resolve when it is a few per cent. Thread times come from /proc/PID/task/TID/schedstat (nanoseconds).
     */
    static void threadTable(StringBuilder md, List<Run> runs) {
        Map<String, List<Run>> byLabel = new LinkedHashMap<>();
        Map<String, Double> totalByGroup = new LinkedHashMap<>();
        for (Run r : runs) {
            if (r.threadSeconds().isEmpty() || r.total() == 0) {
                continue;
            }
            byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
            r.threadSeconds().forEach((g, s) -> totalByGroup.merge(g, s * 1e6 / r.total(), Double::sum));
        }
        if (byLabel.isEmpty()) {
            return;
        }
        // The groups that matter, most expensive first; the rest summed so every column adds up to the process total.
        List<String> groups = totalByGroup.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .filter(e -> e.getValue() >= 1.0 * byLabel.values().stream().mapToInt(List::size).sum())
                .map(Map.Entry::getKey).limit(8).toList();
        md.append("\nServer CPU µs/session by thread (median over rounds; `#` stands for a number in the thread name):\n\n| thread |");
        byLabel.keySet().forEach(l -> md.append(' ').append(l).append(" |"));
        md.append("\n|---|").append("---:|".repeat(byLabel.size())).append('\n');
        List<String> rows = new ArrayList<>(groups);
        rows.add("(other threads)");
        rows.add("(all threads)");
        for (String g : rows) {
            md.append("| ").append(g).append(" |");
            for (List<Run> rs : byLabel.values()) {
                double m = median(rs.stream().mapToDouble(r -> {
                    double s = switch (g) {
                        case "(all threads)" -> r.threadSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
                        case "(other threads)" -> r.threadSeconds().entrySet().stream().filter(e -> !groups.contains(e.getKey()))
                                .mapToDouble(Map.Entry::getValue).sum();
                        default -> r.threadSeconds().getOrDefault(g, 0.0);
                    };
                    return s * 1e6 / r.total();
                }).toArray());
                md.append(String.format(Locale.ROOT, " %.1f |", m));
            }
            md.append('\n');
        }
    }

    static void runs(StringBuilder md, List<Run> runs) {
        md.append("| run | sessions | failed | sessions/s | p50 ms | p99 ms | p999 ms | server CPU µs/session | server RSS MiB | failures |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.0f | %.0f | %s |%n", r.label(), r.total(),
                    r.sessions().failed(), r.sessionsPerSecond(), r.sessions().p50(), r.sessions().p99(), r.sessions().p999(),
                    r.cpuMicrosPerSession(), r.rssKib() / 1024.0, r.sessions().failures().isEmpty() ? "—" : String.join("; ", r.sessions().failures())));
        }
        Map<String, List<Run>> byLabel = new LinkedHashMap<>();
        for (Run r : runs) {
            byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        }
        md.append("\n| server | rounds | median sessions/s | median CPU µs/session | median p99 ms |\n|---|---:|---:|---:|---:|\n");
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Run>> e : byLabel.entrySet()) {
            double sps = median(e.getValue().stream().mapToDouble(Run::sessionsPerSecond).toArray());
            double cpu = median(e.getValue().stream().mapToDouble(Run::cpuMicrosPerSession).toArray());
            double p99 = median(e.getValue().stream().mapToDouble(r -> r.sessions().p99()).toArray());
            medians.put(e.getKey(), new double[] {sps, cpu, p99});
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f |%n", e.getKey(), e.getValue().size(), sps, cpu, p99));
        }
        double[] router = medians.get("router");
        double[] bare = medians.get("bare");
        if (router != null && bare != null) {
            md.append("\n").append(String.format(Locale.ROOT, "router/bare ratio: %.2f", router[0] / bare[0])).append("\n\n");
            md.append(String.format(Locale.ROOT, "Server CPU per session, router/bare: %.2f (target ≤ 1.05). ", router[1] / bare[1]))
                    .append("Sessions/s on a box shared with the load generator measure the offered load as much as the server; ")
                    .append("CPU per session is the figure to plan with.\n");
        }
        if (router != null) {
            for (Map.Entry<String, double[]> e : medians.entrySet()) {
                if (e.getKey().startsWith("router+")) {
                    md.append(String.format(Locale.ROOT, "%n%s vs router: sessions/s %.2f, CPU per session %.2f%n", e.getKey(),
                            e.getValue()[0] / router[0], e.getValue()[1] / router[1]));
                }
            }
        }
    }

    static void capacity(StringBuilder md, Path out, Run run, double start, double step, int levels, int levelSeconds, double sloMs)
            throws IOException {
        List<SessionCsv.Second> seconds = run.sessions().seconds();
        if (seconds.isEmpty()) {
            md.append("No sessions were recorded.\n");
            return;
        }
        long t0 = seconds.get(0).second();
        XYSeries throughput = new XYSeries("sessions/s answered");
        XYSeries p99 = new XYSeries("p99 ms (median second)");
        md.append("| offered sessions/s | answered sessions/s | failed | p99 ms, median second | p99 ms, worst second | within SLO |\n")
                .append("|---:|---:|---:|---:|---:|---|\n");
        double sustained = 0;
        for (int level = 0; level < levels; level++) {
            double offered = start + level * step;
            long from = t0 + (long) level * levelSeconds + 1; // skip each level's first second (the step itself)
            long to = t0 + (long) (level + 1) * levelSeconds - 1;
            long ok = 0;
            long failed = 0;
            double worst = 0;
            List<Double> p99s = new ArrayList<>();
            for (SessionCsv.Second s : seconds) {
                if (s.second() >= from && s.second() <= to) {
                    ok += s.ok();
                    failed += s.failed();
                    worst = Math.max(worst, s.p99Ms());
                    p99s.add(s.p99Ms());
                }
            }
            int n = p99s.size();
            if (n == 0) {
                continue;
            }
            double answered = ok / (double) n;
            // The typical second's p99: one GC pause in a 10 s level should not decide the level.
            double typical = median(p99s.stream().mapToDouble(Double::doubleValue).toArray());
            boolean within = failed <= 0.001 * (ok + failed) && typical <= sloMs && answered >= 0.95 * offered;
            if (within) {
                sustained = Math.max(sustained, answered);
            }
            throughput.add(offered, answered);
            p99.add(offered, typical);
            md.append(String.format(Locale.ROOT, "| %.0f | %.0f | %d | %.2f | %.2f | %s |%n", offered, answered, failed, typical, worst,
                    within ? "yes" : "no"));
        }
        md.append(String.format(Locale.ROOT, "%nSustained maximum within the SLO (the median second's p99 ≤ %.0f ms, errors < 0.1 %%, "
                + "≥ 95 %% of the offered load answered; each level's first second left out): **%.0f sessions/s**.%n", sloMs, sustained));
        md.append(String.format(Locale.ROOT, "Server CPU over the whole ramp: %.0f µs per session; RSS at the end: %.0f MiB.%n",
                run.cpuMicrosPerSession(), run.rssKib() / 1024.0));
        md.append("\n![throughput and p99 against offered load](capacity.png)\n");
        chart(out.resolve("capacity.png"), throughput, p99, sustained, sloMs);
    }

    private static void chart(Path png, XYSeries throughput, XYSeries p99, double sustained, double sloMs) throws IOException {
        JFreeChart chart = ChartFactory.createXYLineChart("Capacity: answered sessions/s and p99 against offered load",
                "offered load (sessions/s)", "answered sessions/s", new XYSeriesCollection(throughput), PlotOrientation.VERTICAL, true, false,
                false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer left = new XYLineAndShapeRenderer(true, true);
        left.setSeriesPaint(0, new Color(0x3B6EA5));
        plot.setRenderer(0, left);
        NumberAxis latency = new NumberAxis("p99 ms");
        plot.setRangeAxis(1, latency);
        plot.setDataset(1, new XYSeriesCollection(p99));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer right = new XYLineAndShapeRenderer(true, true);
        right.setSeriesPaint(0, new Color(0xC0392B));
        plot.setRenderer(1, right);
        ValueMarker max = new ValueMarker(sustained, new Color(0x27AE60), new BasicStroke(2f));
        max.setLabel(String.format(Locale.ROOT, "sustained max %.0f/s", sustained));
        plot.addRangeMarker(0, max, org.jfree.chart.ui.Layer.FOREGROUND);
        ValueMarker slo = new ValueMarker(sloMs, new Color(0xC0392B), new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        slo.setLabel("SLO");
        plot.addRangeMarker(1, slo, org.jfree.chart.ui.Layer.FOREGROUND);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 560);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
