package dev.hyrouter.bench;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bytes allocated per operation on a Netty event-loop thread ({@link FastThreadLocalThread}),
 * measured with the JVM's per-thread allocation counter. JMH's {@code -prof gc} runs benchmarks
 * on plain threads, where Netty's recycler does not pool buffer wrappers (144 B per buffer);
 * event loops do, and this harness shows what the hot path costs there.
 *
 * <pre>java -cp bench/target/benchmarks.jar -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled \
 *     dev.hyrouter.bench.EventLoopAllocation</pre>
 */
public final class EventLoopAllocation {
    private static final int WARMUP = 300_000;
    private static final int MEASURED = 2_000_000;

    private EventLoopAllocation() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Double> results = new LinkedHashMap<>();
        Thread t = new FastThreadLocalThread(() -> {
            try {
                CodecBenchmark codec = new CodecBenchmark();
                codec.setup();
                results.put("decodeConnectV2", measure(codec::decodeConnectV2));
                results.put("decodeConnectV1", measure(codec::decodeConnectV1));
                results.put("encodeSignedReferralFrame", measure(codec::encodeSignedReferralFrame));
                results.put("encodeUnsignedReferralFrame", measure(codec::encodeUnsignedReferralFrame));
                results.put("encodeDisconnectFrame", measure(codec::encodeDisconnectFrame));
                codec.tearDown();
                PipelineBenchmark pipeline = new PipelineBenchmark();
                pipeline.setup();
                results.put("decideAndEncodeReferral", measure(pipeline::decideAndEncodeReferral));
                pipeline.tearDown();
                RoutingTableBenchmark routing = new RoutingTableBenchmark();
                routing.table = "10000-exact-100-wildcard";
                routing.setup();
                results.put("routeExactHostname(10000+100)", measure(routing::routeExactHostname));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "event-loop-like");
        t.start();
        t.join();
        results.forEach((k, v) -> System.out.printf("%-32s %8.2f B/op%n", k, v));
    }

    private static double measure(Runnable op) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARMUP; i++) {
            op.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED; i++) {
            op.run();
        }
        return (mx.getCurrentThreadAllocatedBytes() - before) / (double) MEASURED;
    }
}
