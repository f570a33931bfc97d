package dev.hyrouter.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The performance-regression verdict. Every time-per-operation score is divided by the
 * calibration benchmark's score from the same run, so a slower or busier machine moves both and
 * the ratio stays; a benchmark fails when its ratio is more than {@link #MAX_SLOWDOWN} above the
 * baseline's, or when it allocates more than {@link #MAX_ALLOC_GROWTH} above the baseline and
 * more than {@link #MAX_ALLOC_EXTRA_BYTES} bytes per operation above it (small absolute changes
 * of a tiny allocation are noise).
 */
public final class Gate {
    public static final double MAX_SLOWDOWN = 0.25;
    public static final double MAX_ALLOC_GROWTH = 0.10;
    public static final double MAX_ALLOC_EXTRA_BYTES = 16;

    private Gate() {
    }

    /** A benchmark's calibrated figures: score ÷ calibration score, and bytes per operation. */
    public record Figures(double ratio, double allocPerOp) {
    }

    /** One row of the verdict. {@code baseline} or {@code current} is null when the benchmark is missing there. */
    public record Verdict(String benchmark, Figures baseline, Figures current, boolean pass, String reason) {
        /** Current ratio ÷ baseline ratio − 1: +0.30 is 30 % slower. NaN when either is missing. */
        public double change() {
            return baseline == null || current == null ? Double.NaN : current.ratio() / baseline.ratio() - 1;
        }
    }

    public static List<Verdict> compare(Map<String, Figures> baseline, Map<String, Figures> current) {
        List<Verdict> out = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(baseline.keySet());
        names.addAll(current.keySet());
        for (String name : names) {
            Figures b = baseline.get(name);
            Figures c = current.get(name);
            if (b == null) {
                out.add(new Verdict(name, null, c, true, "new: not in the baseline (refresh it to gate this one)"));
                continue;
            }
            if (c == null) {
                out.add(new Verdict(name, b, null, false, "missing: in the baseline but not run"));
                continue;
            }
            List<String> reasons = new ArrayList<>();
            double change = c.ratio() / b.ratio() - 1;
            if (change > MAX_SLOWDOWN) {
                reasons.add(String.format(Locale.ROOT, "%.0f %% slower than the baseline (limit %.0f %%)", change * 100, MAX_SLOWDOWN * 100));
            }
            if (!Double.isNaN(b.allocPerOp()) && !Double.isNaN(c.allocPerOp())) {
                double extra = c.allocPerOp() - b.allocPerOp();
                if (extra > MAX_ALLOC_EXTRA_BYTES && c.allocPerOp() > b.allocPerOp() * (1 + MAX_ALLOC_GROWTH)) {
                    reasons.add(String.format(Locale.ROOT, "allocates %.0f B/op, %.0f B/op above the baseline's %.0f (limit +%.0f %% and +%.0f B)",
                            c.allocPerOp(), extra, b.allocPerOp(), MAX_ALLOC_GROWTH * 100, MAX_ALLOC_EXTRA_BYTES));
                }
            }
            out.add(new Verdict(name, b, c, reasons.isEmpty(), String.join("; ", reasons)));
        }
        return out;
    }

    public static boolean passed(List<Verdict> verdicts) {
        return verdicts.stream().allMatch(Verdict::pass);
    }

    /** The verdict as a markdown table. */
    public static String table(List<Verdict> verdicts) {
        StringBuilder b = new StringBuilder("| benchmark | baseline ratio | current ratio | change | B/op baseline → current | verdict |\n");
        b.append("|---|---:|---:|---:|---|---|\n");
        for (Verdict v : verdicts) {
            b.append("| `").append(v.benchmark()).append("` | ").append(ratio(v.baseline())).append(" | ").append(ratio(v.current()))
                    .append(" | ").append(Double.isNaN(v.change()) ? "—" : String.format(Locale.ROOT, "%+.1f %%", v.change() * 100))
                    .append(" | ").append(alloc(v.baseline())).append(" → ").append(alloc(v.current())).append(" | ")
                    .append(v.pass() ? "pass" : "**FAIL**").append(v.reason().isEmpty() ? "" : ": " + v.reason()).append(" |\n");
        }
        return b.toString();
    }

    private static String ratio(Figures f) {
        return f == null ? "—" : String.format(Locale.ROOT, "%.4f", f.ratio());
    }

    private static String alloc(Figures f) {
        return f == null || Double.isNaN(f.allocPerOp()) ? "—" : String.format(Locale.ROOT, "%.0f", f.allocPerOp());
    }
}
