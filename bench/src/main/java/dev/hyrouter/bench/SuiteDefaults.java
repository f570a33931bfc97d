package dev.hyrouter.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The suite's one header: every benchmark class extends this (JMH reads these annotations from
 * the superclass) and restates only what it deliberately does differently (a slower call
 * measured in microseconds over longer iterations). One set of fork flags for all, so two
 * classes cannot drift apart in the JVM they measure on: the parallel collector as the
 * router's launcher uses, Netty's leak detector off as in production, Netty's thread caches for
 * JMH's own threads, and the export Netty's direct-memory path needs.
 *
 * <p>The CI gate runs its JVMs with {@code -f 0} and flags of its own ({@code bench/run.sh}),
 * so these settle what a full suite run measures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {SuiteDefaults.PARALLEL_GC, SuiteDefaults.NO_LEAK_DETECTION, SuiteDefaults.THREAD_CACHES,
        SuiteDefaults.INTERNAL_MISC})
public abstract class SuiteDefaults {
    static final String PARALLEL_GC = "-XX:+UseParallelGC";
    static final String NO_LEAK_DETECTION = "-Dio.netty.leakDetection.level=disabled";
    static final String THREAD_CACHES = "-Dio.netty.allocator.useCacheForAllThreads=true";
    static final String INTERNAL_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    static final String CUSTOM_EXECUTOR = "-Djmh.executor=CUSTOM";
    static final String EVENT_LOOP_THREADS = "-Djmh.executor.class=dev.hyrouter.bench.EventLoopThreads";

    /**
     * For code that runs on event loops: JMH's threads are {@link EventLoopThreads} (Netty's
     * fast thread-locals and recyclers behave as on a loop, so B/op is what a loop allocates).
     */
    @Fork(value = 1, jvmArgsAppend = {PARALLEL_GC, NO_LEAK_DETECTION, THREAD_CACHES, INTERNAL_MISC, CUSTOM_EXECUTOR, EVENT_LOOP_THREADS})
    public abstract static class OnEventLoop extends SuiteDefaults {
    }
}
