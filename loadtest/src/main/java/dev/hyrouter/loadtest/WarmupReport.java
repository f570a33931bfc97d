package dev.hyrouter.loadtest;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The warm-up report (issue 27) from {@link WarmupCurve}'s lines: per variant, the start to the
 * first answer, and per bucket of sessions the median over rounds of CPU per session (and its
 * ratio to the warm figure, the median of the last five buckets), the answer p99 and where the CPU
 * went (JIT compiler threads, event loops, GC). A chart of CPU per session by bucket.
 *
 * <p>Usage: {@code WarmupReport CURVE.jsonl OUT_DIR COMMAND ENVIRONMENT.md}
 */
public final class WarmupReport {
    private static final Pattern FIELD = Pattern.compile("\"([a-z_0-9]+)\":\"?([^,\"}]*)");
    /** The buckets a table shows: the first ones in full, then a few further along. */
    private static final int[] SHOWN = {0, 1, 2, 3, 4, 5, 7, 10, 15, 20, 25, 29, 39, 49};

    private WarmupReport() {
    }

    static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = FIELD.matcher(line);
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return m;
    }

    static double median(List<Double> v) {
        return LoadReport.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static void main(String[] args) throws IOException {
        Path curve = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String command = args[2];
        Path environment = Path.of(args[3]);
        // variant -> bucket -> field -> values over rounds
        Map<String, TreeMap<Integer, Map<String, List<Double>>>> buckets = new LinkedHashMap<>();
        Map<String, List<Double>> start = new LinkedHashMap<>();
        Map<String, List<Double>> ready = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(curve, StandardCharsets.UTF_8);
        for (String line : lines) {
            Map<String, String> f = fields(line);
            String variant = f.get("variant");
            if ("start".equals(f.get("kind"))) {
                start.computeIfAbsent(variant, k -> new ArrayList<>()).add(Double.parseDouble(f.get("start_to_answer_ms")));
                ready.computeIfAbsent(variant, k -> new ArrayList<>()).add(Double.parseDouble(f.getOrDefault("start_to_ready_ms",
                        f.get("start_to_answer_ms"))));
            } else if ("bucket".equals(f.get("kind"))) {
                Map<String, List<Double>> b = buckets.computeIfAbsent(variant, k -> new TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(f.get("bucket")), k -> new LinkedHashMap<>());
                for (String key : List.of("cpu_us_per_session", "jit_us_per_session", "loops_us_per_session", "gc_us_per_session",
                        "p99_ms", "per_s", "failed", "wall_ms")) {
                    b.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(f.get(key)));
                }
            }
        }
        StringBuilder md = new StringBuilder("# Warm-up curve: CPU per session from the first session on\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        if (Files.exists(environment)) {
            md.append(Files.readString(environment)).append('\n');
        }
        md.append("Each variant is started fresh for each round; the client tries a session every 20 ms from the launch ")
                .append("until one is answered, then runs a closed loop of 16 (full TLS handshakes) in buckets of 1,000 sessions; ")
                .append("a variant named +rN instead starts N sessions per second in every bucket, open loop, its latency counted from each ")
                .append("session's scheduled start. ")
                .append("Figures are medians over the rounds. Warm = the median of the last five buckets.\n\n");
        md.append("| variant | start to first answer, ms | start to ready, ms | CPU µs/session, first 2,000 after ready | warm | first 2,000 ÷ warm "
                + "| p99 ms, first 2,000 | warm p99 ms |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        XYSeriesCollection series = new XYSeriesCollection();
        StringBuilder detail = new StringBuilder();
        for (var e : buckets.entrySet()) {
            String v = e.getKey();
            TreeMap<Integer, Map<String, List<Double>>> b = e.getValue();
            double warm = warm(b, "cpu_us_per_session");
            double warmP99 = warm(b, "p99_ms");
            double first = firstTwoThousand(med(b, 0, "cpu_us_per_session"), med(b, 1, "cpu_us_per_session"));
            double firstP99 = Math.max(med(b, 0, "p99_ms"), med(b, 1, "p99_ms"));
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | **%.2f×** | %.1f | %.1f |%n", v,
                    median(start.getOrDefault(v, List.of())), median(ready.getOrDefault(v, List.of())), first, warm, first / warm, firstP99, warmP99));
            XYSeries s = new XYSeries(v);
            detail.append("\n### ").append(v).append("\n\n| sessions before | CPU µs/session | ÷ warm | of which JIT | event loops | GC + VM | p99 ms | sessions/s |\n")
                    .append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (var x : b.entrySet()) {
                s.add(x.getKey() * 1000 + 1000, med(b, x.getKey(), "cpu_us_per_session"));
            }
            for (int i : SHOWN) {
                if (!b.containsKey(i)) {
                    continue;
                }
                double cpu = med(b, i, "cpu_us_per_session");
                detail.append(String.format(Locale.ROOT, "| %,d | %.0f | %.2f | %.0f | %.0f | %.0f | %.1f | %.0f |%n", i * 1000, cpu, cpu / warm,
                        med(b, i, "jit_us_per_session"), med(b, i, "loops_us_per_session"), med(b, i, "gc_us_per_session"),
                        med(b, i, "p99_ms"), med(b, i, "per_s")));
            }
            series.addSeries(s);
        }
        md.append(perRound(lines));
        md.append("\n![CPU per session by sessions served](chart.png)\n");
        md.append("\n## Per variant (JIT, loops, GC + VM: the threads' own CPU; the total is the process's)\n").append(detail);
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.md"), md.toString(), StandardCharsets.UTF_8);
        JFreeChart chart = ChartFactory.createXYLineChart("Server CPU per session from start", "sessions served since start",
                "CPU µs per session (bucket of 1,000)", series, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        for (int i = 0; i < series.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
        ChartUtils.saveChartAsPNG(out.resolve("chart.png").toFile(), chart, 900, 500);
        System.out.println(md);
    }

    /**
     * One row per round of each variant, each judged against its own warm figures (the medians of
     * its last five buckets): the first 2,000 sessions' CPU, the first 10 s' p99, and the steal
     * time of the server's core in the first four buckets, where a round that missed can be told
     * the machine's from the server's.
     */
    static String perRound(List<String> lines) {
        Map<String, List<Map<String, String>>> rounds = new LinkedHashMap<>();
        Map<String, String> first10 = new LinkedHashMap<>();
        for (String line : lines) {
            Map<String, String> f = fields(line);
            String key = f.get("variant") + "\t" + f.get("round");
            if ("bucket".equals(f.get("kind"))) {
                rounds.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            } else if ("first10s".equals(f.get("kind"))) {
                first10.put(key, f.get("p99_ms"));
            }
        }
        StringBuilder md = new StringBuilder("\n## Per round (each against its own last five buckets)\n\n"
                + "| variant | round | first 2,000 ÷ warm CPU | first-10-s p99 ÷ warm p99 (ms / ms) | server core's steal, first four buckets (ms) |\n"
                + "|---|---:|---:|---|---|\n");
        for (var e : rounds.entrySet()) {
            List<Map<String, String>> b = e.getValue();
            b.sort(java.util.Comparator.comparingInt(m -> Integer.parseInt(m.get("bucket"))));
            if (b.size() < 2) {
                continue;
            }
            List<Double> cpuLastFirst = new ArrayList<>();
            List<Double> p99LastFirst = new ArrayList<>();
            for (int i = b.size() - 1; i >= 0; i--) {
                cpuLastFirst.add(Double.parseDouble(b.get(i).get("cpu_us_per_session")));
                p99LastFirst.add(Double.parseDouble(b.get(i).get("p99_ms")));
            }
            double warmCpu = warmFigure(cpuLastFirst);
            double warmP99 = warmFigure(p99LastFirst);
            double first = firstTwoThousand(Double.parseDouble(b.get(0).get("cpu_us_per_session")),
                    Double.parseDouble(b.get(1).get("cpu_us_per_session")));
            String p99 = first10.get(e.getKey());
            String p99Cell = p99 == null ? "—"
                    : String.format(Locale.ROOT, "%.2f× (%.1f / %.1f)", Double.parseDouble(p99) / warmP99, Double.parseDouble(p99), warmP99);
            List<String> steal = new ArrayList<>();
            for (int i = 0; i < Math.min(4, b.size()); i++) {
                steal.add(b.get(i).getOrDefault("server_steal_ms", "—"));
            }
            String[] vr = e.getKey().split("\t");
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f× | %s | %s |%n", vr[0], vr[1], first / warmCpu, p99Cell, String.join(", ", steal)));
        }
        return md.toString();
    }

    private static double med(TreeMap<Integer, Map<String, List<Double>>> b, int bucket, String key) {
        Map<String, List<Double>> m = b.get(bucket);
        return m == null ? Double.NaN : median(m.getOrDefault(key, List.of()));
    }

    private static double warm(TreeMap<Integer, Map<String, List<Double>>> b, String key) {
        List<Double> lastFirst = new ArrayList<>();
        for (int bucket : b.descendingKeySet()) {
            lastFirst.add(med(b, bucket, key));
        }
        return warmFigure(lastFirst);
    }

    /** The warm figure: the median of the last five buckets, given last bucket first (also {@link WarmupGate}'s). */
    static double warmFigure(List<Double> lastFirst) {
        return median(lastFirst.subList(0, Math.min(5, lastFirst.size())));
    }

    /** The first 2,000 sessions' figure from buckets 0 and 1 of 1,000 (also {@link WarmupGate}'s). */
    static double firstTwoThousand(double bucket0, double bucket1) {
        return (bucket0 + bucket1) / 2;
    }
}
