package dev.hyrouter.loadtest;

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

/**
 * The warm-start gate (issue 27): from {@link WarmupCurve}'s lines, per variant and round, the
 * CPU per session of the first 2,000 sessions after ready divided by the warm figure (the median
 * of the last five buckets of the same run), against the limit committed per variant. A ratio
 * of one process against itself, so a slower machine moves both figures alike; what it catches is
 * a replica that serves its first players on code the JIT has not compiled (a warm-up lost or
 * broken). A variant passes when any of its rounds is within its limit: the gate runs a second
 * round only for a variant over it, so one noisy round does not fail CI, and a real regression
 * fails both.
 *
 * <p>Usage: {@code WarmupGate CURVE.jsonl LIMITS.json}; exit 0 when every variant of the limits
 * file passes, 1 otherwise, the last line naming the failing variants ({@code failing: a,b}).
 */
public final class WarmupGate {
    private static final Pattern LIMIT = Pattern.compile("\"([^\"]+)\"\\s*:\\s*([0-9]+(?:\\.[0-9]+)?)");

    private WarmupGate() {
    }

    /** One run's ratio. */
    record Ratio(String variant, int round, double first, double warm) {
        double value() {
            return first / warm;
        }
    }

    /** The committed limits: {@code {"variant": ratio, ...}} (any other key ignored when its value is not a number). */
    static Map<String, Double> limits(String json) {
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher x = LIMIT.matcher(json);
        while (x.find()) {
            m.put(x.group(1), Double.parseDouble(x.group(2)));
        }
        return m;
    }

    /** Every (variant, round) of the curve with its first-2,000 and warm CPU per session. */
    static List<Ratio> ratios(List<String> lines) {
        Map<String, TreeMap<Integer, Double>> runs = new LinkedHashMap<>();
        for (String line : lines) {
            Map<String, String> f = WarmupReport.fields(line);
            if ("bucket".equals(f.get("kind"))) {
                runs.computeIfAbsent(f.get("variant") + "\u0000" + f.get("round"), k -> new TreeMap<>())
                        .put(Integer.parseInt(f.get("bucket")), Double.parseDouble(f.get("cpu_us_per_session")));
            }
        }
        List<Ratio> out = new ArrayList<>();
        for (var e : runs.entrySet()) {
            TreeMap<Integer, Double> b = e.getValue();
            if (b.size() < 7 || !b.containsKey(0) || !b.containsKey(1)) {
                continue; // too short to have a warm figure apart from the first 2,000
            }
            double warm = WarmupReport.warmFigure(new ArrayList<>(b.descendingMap().values()));
            String[] key = e.getKey().split("\u0000");
            out.add(new Ratio(key[0], Integer.parseInt(key[1]), WarmupReport.firstTwoThousand(b.get(0), b.get(1)), warm));
        }
        return out;
    }

    /** The report's lines; the variants of {@code limits} with no round within its limit are added to {@code failing}. */
    static List<String> judge(List<Ratio> ratios, Map<String, Double> limits, List<String> failing) {
        List<String> report = new ArrayList<>();
        for (var limit : limits.entrySet()) {
            double best = Double.POSITIVE_INFINITY;
            for (Ratio r : ratios) {
                if (r.variant().equals(limit.getKey())) {
                    report.add(String.format(Locale.ROOT, "%s round %d: first 2,000 after ready %.0f µs/session, warm %.0f µs/session, %.2f× (limit %.2f×)",
                            r.variant(), r.round(), r.first(), r.warm(), r.value(), limit.getValue()));
                    best = Math.min(best, r.value());
                }
            }
            if (best == Double.POSITIVE_INFINITY) {
                report.add(limit.getKey() + ": no complete run in the curve");
                failing.add(limit.getKey());
            } else if (best > limit.getValue()) {
                report.add(String.format(Locale.ROOT, "%s: FAILED, its best round spent %.2f× the warm CPU per session on its first 2,000 "
                        + "sessions after ready, over the committed %.2f×: the warm-up before ready no longer covers what players meet first "
                        + "(see loadtest/README.md, warm-start gate)", limit.getKey(), best, limit.getValue()));
                failing.add(limit.getKey());
            }
        }
        return report;
    }

    public static void main(String[] args) throws IOException {
        List<Ratio> ratios = ratios(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
        Map<String, Double> limits = limits(Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
        List<String> failing = new ArrayList<>();
        judge(ratios, limits, failing).forEach(System.out::println);
        System.out.println("failing: " + String.join(",", failing));
        System.exit(failing.isEmpty() ? 0 : 1);
    }
}
