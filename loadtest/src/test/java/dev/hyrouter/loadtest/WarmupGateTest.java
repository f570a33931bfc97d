package dev.hyrouter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The warm-start gate's arithmetic on made-up curves: the ratio, the limit, a retried round. */
class WarmupGateTest {
    /** A run of 12 buckets: the first two at {@code first} µs per session, the rest at {@code warm}. */
    private static List<String> run(String variant, int round, double first, double warm) {
        List<String> lines = new ArrayList<>();
        lines.add("{\"variant\":\"" + variant + "\",\"round\":" + round + ",\"kind\":\"start\",\"start_to_answer_ms\":900.0}");
        for (int b = 0; b < 12; b++) {
            double cpu = b < 2 ? first : warm + (b % 3); // a little noise in the warm buckets
            lines.add("{\"variant\":\"" + variant + "\",\"round\":" + round + ",\"kind\":\"bucket\",\"bucket\":" + b
                    + ",\"sessions_before\":" + (b * 1000 + 1) + ",\"cpu_us_per_session\":" + cpu + ",\"p99_ms\":3.0}");
        }
        return lines;
    }

    private static final Map<String, Double> LIMITS = WarmupGate.limits("""
            {"why": "see loadtest/README.md", "none+warm": 2.4, "c+warm": 2.6}""");

    @Test
    void aRunWithinItsLimitPassesAndAColdOneFailsNamingTheVariant() {
        List<String> curve = new ArrayList<>(run("none+warm", 1, 600, 351));
        curve.addAll(run("c+warm", 1, 1500, 400));
        List<String> failing = new ArrayList<>();
        List<String> report = WarmupGate.judge(WarmupGate.ratios(curve), LIMITS, failing);
        assertThat(failing).containsExactly("c+warm");
        assertThat(report).anyMatch(l -> l.startsWith("none+warm round 1:") && l.contains("1.70×"));
        assertThat(report).anyMatch(l -> l.startsWith("c+warm: FAILED") && l.contains("3.74×") && l.contains("2.60×"));
    }

    @Test
    void aSecondRoundWithinTheLimitPassesAVariantWhoseFirstWasNot() {
        List<String> curve = new ArrayList<>(run("none+warm", 1, 900, 351));
        curve.addAll(run("c+warm", 1, 800, 400));
        List<String> failing = new ArrayList<>();
        WarmupGate.judge(WarmupGate.ratios(curve), LIMITS, failing);
        assertThat(failing).containsExactly("none+warm");

        curve.addAll(run("none+warm", 2, 700, 351));
        failing.clear();
        WarmupGate.judge(WarmupGate.ratios(curve), LIMITS, failing);
        assertThat(failing).isEmpty();
    }

    @Test
    void aVariantWithNoCompleteRunFails() {
        List<String> curve = new ArrayList<>(run("none+warm", 1, 600, 351).subList(0, 5));
        List<String> failing = new ArrayList<>();
        List<String> report = WarmupGate.judge(WarmupGate.ratios(curve), LIMITS, failing);
        assertThat(failing).containsExactly("none+warm", "c+warm");
        assertThat(report).contains("c+warm: no complete run in the curve");
    }
}
