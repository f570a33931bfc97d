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
 * walk over a 4 MiB table (caches and memory) and a short-lived allocation, so its time moves
 * with the machine's speed and load the way the router's benchmarks do. The gate divides every
 * score by this one from the same JVM, so a slower or busier machine shifts both alike.
 * Never change it without refreshing the baseline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
public class CalibrationBenchmark {
    private static final int TABLE = 1 << 20;
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
