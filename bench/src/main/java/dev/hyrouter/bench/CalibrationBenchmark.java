package dev.hyrouter.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The gate's yardstick: a fixed, dependency-free workload of integer arithmetic and a dependent
 * walk over a 16 KiB table, so its CPU time moves with the core's speed the way the router's
 * benchmarks do. The gate divides every benchmark's CPU time by this one's from the same JVM, so
 * a slower machine shifts both alike.
 *
 * <p>Measured choices (perf-reports/jmh/2026-11-30-gate-contention.md): the table fits the L1
 * cache, like the benchmarks' working sets (an earlier 4 MiB walk lived in the L3 cache the cores
 * share and followed whatever else ran: 1,363–2,403 ns across one baseline's JVMs); and it
 * allocates nothing, because a 64-byte allocation per operation made it 14 % slower whenever
 * another process shared its core, while the benchmarks that allocate nothing did not move.
 * Never change it without refreshing the baseline.
 */
public class CalibrationBenchmark extends SuiteDefaults {
    private static final int TABLE = 1 << 12;
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
        for (int i = 0; i < 64; i++) {
            h = h * 31 + ((c + i) & 0xFF);
        }
        cursor = c;
        return h;
    }
}
