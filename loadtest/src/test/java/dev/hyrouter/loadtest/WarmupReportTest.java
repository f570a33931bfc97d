package dev.hyrouter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class WarmupReportTest {
    private static String bucket(String variant, int round, int bucket, double cpu, double p99, String steal) {
        return String.format(Locale.ROOT, "{\"variant\":\"%s\",\"round\":%d,\"kind\":\"bucket\",\"bucket\":%d,\"cpu_us_per_session\":%.1f,\"p99_ms\":%.2f%s}",
                variant, round, bucket, cpu, p99, steal == null ? "" : ",\"server_steal_ms\":" + steal);
    }

    @Test
    void eachRoundIsJudgedAgainstItsOwnLastFiveBuckets() {
        List<String> lines = new ArrayList<>();
        // Round 1: first two buckets at 1,200 and 1,000 us, then warm at 500 (the last five); p99 warm 4 ms.
        double[] cpu1 = {1200, 1000, 600, 500, 500, 500, 500, 500};
        for (int b = 0; b < cpu1.length; b++) {
            lines.add(bucket("none+cwr", 1, b, cpu1[b], 4.0, b < 4 ? String.valueOf(b * 10) : "0"));
        }
        lines.add("{\"variant\":\"none+cwr\",\"round\":1,\"kind\":\"first10s\",\"sessions\":4000,\"p50_ms\":1.00,\"p99_ms\":6.00,\"max_ms\":9.00}");
        // Round 2 of the same variant, warm at 1,000 us: its own figure, not round 1's; an old curve with no steal.
        for (int b = 0; b < 7; b++) {
            lines.add(bucket("none+cwr", 2, b, 1000, 2.0, null));
        }
        String md = WarmupReport.perRound(lines);
        assertThat(md).contains("| none+cwr | 1 | 2.20× | 1.50× (6.0 / 4.0) | 0, 10, 20, 30 |");
        assertThat(md).contains("| none+cwr | 2 | 1.00× | — | —, —, —, — |");
    }
}
