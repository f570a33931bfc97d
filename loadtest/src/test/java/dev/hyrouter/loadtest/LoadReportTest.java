package dev.hyrouter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load report's arithmetic on a made-up session log: levels, the SLO, the sustained maximum, ratios. */
class LoadReportTest {
    @TempDir
    Path dir;

    /** Three levels of 4 s offered at 100, 200 and 300 sessions/s; the third misses its p99 in every second. */
    private Path rampLog() throws Exception {
        StringBuilder csv = new StringBuilder("second,ok,failed,p50_ms,p99_ms,p999_ms\n");
        long t0 = 1_700_000_000L;
        int[] answered = {100, 200, 290};
        double[] p99 = {3, 8, 120};
        for (int level = 0; level < 3; level++) {
            for (int s = 0; s < 4; s++) {
                // One GC-pause second in the second level: its worst second is bad, its typical second is not.
                double secondP99 = level == 1 && s == 2 ? 500 : p99[level];
                csv.append(t0 + level * 4L + s).append(',').append(answered[level]).append(",0,1.0,").append(secondP99).append(",200\n");
            }
        }
        csv.append("# total ok=2360 p50_ms=1.000 p99_ms=60.000 p999_ms=150.000 max_ms=200.000\n");
        return Files.writeString(dir.resolve("capacity.csv"), csv);
    }

    @Test
    void capacityMarksTheHighestLevelWithinTheSlo() throws Exception {
        LoadReport.Run run = new LoadReport.Run("router", SessionCsv.read(rampLog()), 2.36, 200_000);
        StringBuilder md = new StringBuilder();
        LoadReport.capacity(md, dir, run, 100, 100, 3, 4, 50);
        assertThat(md).contains("| 100 | 100 | 0 | 3.00 | 3.00 | yes |").contains("| 200 | 200 | 0 | 8.00 | 500.00 | yes |")
                .contains("| 300 | 290 | 0 | 120.00 | 120.00 | no |").contains("**200 sessions/s**")
                .contains("1000 µs per session");
        assertThat(dir.resolve("capacity.png")).isRegularFile();
    }

    @Test
    void roundsAreSummarisedByMediansWithTheRouterBareRatio() throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "second,ok,failed,p50_ms,p99_ms,p999_ms\n1,100,0,1,2,3\n2,100,0,1,2,3\n"
                + "# total ok=200 p50_ms=1.000 p99_ms=2.000 p999_ms=3.000 max_ms=4.000\n");
        Path b = Files.writeString(dir.resolve("b.csv"), "second,ok,failed,p50_ms,p99_ms,p999_ms\n1,100,0,1,2,3\n2,100,0,1,2,3\n"
                + "# total ok=200 p50_ms=1.000 p99_ms=2.000 p999_ms=3.000 max_ms=4.000\n");
        StringBuilder md = new StringBuilder();
        LoadReport.runs(md, List.of(new LoadReport.Run("router", SessionCsv.read(a), 0.1, 1024),
                new LoadReport.Run("bare", SessionCsv.read(b), 0.08, 1024)));
        // 500 µs vs 400 µs per session; the same sessions/s.
        assertThat(md).contains("router/bare ratio: 1.00").contains("Server CPU per session, router/bare: 1.25");
    }

    @Test
    void aMissingSessionLogIsAFailedRunNotACrash() throws Exception {
        SessionCsv none = SessionCsv.read(dir.resolve("absent.csv"));
        assertThat(none.ok()).isZero();
        assertThat(none.failures()).singleElement().asString().contains("did not run");
    }
}
