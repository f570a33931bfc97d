package dev.hyrouter.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time the benchmark threads themselves spent per operation ({@value #METRIC}, ns/op), for
 * the gate. Wall time per operation also counts the time a thread waited for a core: with
 * another process on the same core, the calibration and the benchmark get whatever share the
 * scheduler gives each at that moment, and their ratio moves with it (measured: +34 … +97 %).
 * A thread's own CPU time does not include that wait, nor the JIT compiler's or the GC's threads.
 * Counts JMH's worker threads (named {@code …-jmh-worker-N} by JMH's own executor and
 * {@code …-loop-N} by {@link EventLoopThreads}) over the whole iteration, so it divides by all
 * the operations they made, the synchronisation phases included. Use with
 * {@code -prof dev.hyrouter.bench.ThreadCpuProfiler}.
 */
public final class ThreadCpuProfiler implements InternalProfiler {
    public static final String METRIC = "cpu.time.norm";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long startNanos;

    @Override
    public String getDescription() {
        return "CPU time of the benchmark threads per operation (needs the EventLoopThreads executor)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        startNanos = cpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult(METRIC, (double) (cpuNanos() - startNanos) / ops, "ns/op", AggregationPolicy.AVG));
    }

    private static long cpuNanos() {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.contains("-jmh-worker-") || name.contains(EventLoopThreads.NAME_PART)) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }
}
