package dev.hyrouter.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gate's yardstick: a fixed, dependency-free workload of integer arithmetic, a dependent
 * walk over a 128 KiB table and a short-lived allocation, so its CPU time moves with the core's
 * speed the way the router's benchmarks do. The gate divides every benchmark's CPU time by this
 * one's from the same JVM, so a slower machine shifts both alike.
 *
 * <p>The table fits a core's own L2 cache, like the benchmarks' working sets. An earlier 4 MiB
 * walk lived in the L3 cache the cores share, so its time followed what the other core was doing
 * (1,363–2,403 ns across JVMs of one baseline while a build ran beside it, against 1,276–1,397 on
 * a quiet machine), which the benchmarks barely feel. Never change it without refreshing the
 * baseline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
public class CalibrationBenchmark {
    private static final int TABLE = 1 << 15;
    private int[] table;
    private int cursor;

    @Setup
    public void setup() {
        table = new int[TABLE];
        // A fixed pseudo-random permutation-like walk: every step depends on the last one.
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < TABLE; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            table[i] = (int) (x & (TABLE - 1));
        }
    }

    @Benchmark
    public long cpuAndMemory() {
        long h = 1469598103934665603L;
        int c = cursor;
        for (int i = 0; i < 256; i++) {
            c = table[c];
            h = (h ^ c) * 1099511628211L;
        }
        byte[] scratch = new byte[64];
        scratch[c & 63] = (byte) h;
        for (int i = 0; i < scratch.length; i++) {
            h = h * 31 + scratch[i];
        }
        cursor = c;
        return h;
    }
}
