package dev.hyrouter.loadtest.gatling;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.HdrHistogram.Histogram;

/**
 * Sessions per wall-clock second (completed, failed, session latency histogram), kept beside
 * Gatling's own statistics so the capacity report can read each load level's throughput and p99.
 * Written as CSV when the simulation ends ({@code -Dhyrouter.sessionLog=PATH}), with the whole run's
 * latency percentiles and failures by kind as {@code #} lines.
 */
public final class SessionLog {
    private static final Map<Long, Second> SECONDS = new ConcurrentSkipListMap<>();
    private static final Map<String, Long> FAILURE_KINDS = new ConcurrentHashMap<>();
    private static final Histogram TOTAL = new Histogram(60_000_000_000L, 3);

    private SessionLog() {
    }

    private static final class Second {
        final Histogram latency = new Histogram(60_000_000_000L, 3);
        long ok;
        long failed;
    }

    static void record(long endMillis, long latencyNanos, String failureKind) {
        Second s = SECONDS.computeIfAbsent(endMillis / 1000, k -> new Second());
        synchronized (s) {
            if (failureKind == null) {
                s.ok++;
                s.latency.recordValue(Math.min(Math.max(latencyNanos, 1), 60_000_000_000L));
                synchronized (TOTAL) {
                    TOTAL.recordValue(Math.min(Math.max(latencyNanos, 1), 60_000_000_000L));
                }
            } else {
                s.failed++;
            }
        }
        if (failureKind != null) {
            FAILURE_KINDS.merge(failureKind, 1L, Long::sum);
        }
    }

    /** Writes {@code second,ok,failed,p50_ms,p99_ms,p999_ms} rows and, as {@code #} comments, failures by kind. */
    public static void writeCsv(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("second,ok,failed,p50_ms,p99_ms,p999_ms");
            for (Map.Entry<Long, Second> e : SECONDS.entrySet()) {
                Second s = e.getValue();
                synchronized (s) {
                    w.printf(java.util.Locale.ROOT, "%d,%d,%d,%.3f,%.3f,%.3f%n", e.getKey(), s.ok, s.failed,
                            s.latency.getValueAtPercentile(50) / 1e6, s.latency.getValueAtPercentile(99) / 1e6,
                            s.latency.getValueAtPercentile(99.9) / 1e6);
                }
            }
            FAILURE_KINDS.forEach((k, n) -> w.println("# failed " + n + " " + k));
            synchronized (TOTAL) {
                w.printf(java.util.Locale.ROOT, "# total ok=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f%n", TOTAL.getTotalCount(),
                        TOTAL.getValueAtPercentile(50) / 1e6, TOTAL.getValueAtPercentile(99) / 1e6, TOTAL.getValueAtPercentile(99.9) / 1e6,
                        TOTAL.getMaxValue() / 1e6);
            }
        }
    }
}
