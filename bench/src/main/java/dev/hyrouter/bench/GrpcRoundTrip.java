package dev.hyrouter.bench;

import dev.hyrouter.client.ClosedLoop;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginStage;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugins.grpc.GrpcPlugin;
import dev.hyrouter.plugins.sdk.PluginGrpc;
import dev.hyrouter.plugins.sdk.PluginServer;
import dev.hyrouter.plugins.sdk.example.ExamplePluginServer;
import dev.hyrouter.routing.Backend;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Round trips to a loopback gRPC plugin server (the example server) at a fixed concurrency:
 * the router's pooled channels versus a new channel per call, with latency percentiles and
 * calls/s for each.
 *
 * <pre>java -cp bench/target/benchmarks.jar -XX:+UseParallelGC dev.hyrouter.bench.GrpcRoundTrip [calls=50000] [concurrency=64]</pre>
 */
public final class GrpcRoundTrip {
    private GrpcRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        ConnectRequest request = new ConnectRequest(new ConnectEvent("grpc.example.com", "", "2026.01.29-abc", 0,
                "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "Steve", "de-DE", true), "round_robin",
                List.of(new Backend("a.internal", 5521), new Backend("b.internal", 5522)), 0, new Backend("a.internal", 5521), null);
        try (PluginServer server = PluginServer.startNonBlocking(new InetSocketAddress("127.0.0.1", 0), ExamplePluginServer::decide)) {
            String address = "127.0.0.1:" + server.port();
            PluginConfig config = new PluginConfig("bench", PluginConfig.PluginType.GRPC, PluginStage.DENY, List.of(), List.of(),
                    Duration.ofSeconds(5), PluginConfig.GrpcSettings.of(address), null, 1);
            GrpcPlugin pooled = GrpcPlugin.connect(config);
            try {
                Supplier<CompletableFuture<ConnectResponse>> pooledCall = () -> pooled.onConnect(request).toCompletableFuture();
                run("pooled (warm-up)", Math.min(calls, 20_000), concurrency, pooledCall);
                run("pooled channels (2)", calls, concurrency, pooledCall);
                run("pooled channels (2), 1 at a time", Math.min(calls, 20_000), 1, pooledCall);
            } finally {
                pooled.close();
            }
            Supplier<CompletableFuture<ConnectResponse>> fresh = () -> CompletableFuture.supplyAsync(() -> {
                ManagedChannel ch = NettyChannelBuilder.forTarget(address).usePlaintext().build();
                try {
                    return ClientCalls.blockingUnaryCall(ch, PluginGrpc.ON_CONNECT, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                            request);
                } finally {
                    ch.shutdownNow();
                }
            }, POOL);
            run("new channel per call (warm-up)", Math.min(calls / 10, 2_000), concurrency, fresh);
            run("new channel per call", Math.min(calls / 5, 10_000), concurrency, fresh);
        } finally {
            POOL.shutdownNow();
        }
    }

    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newFixedThreadPool(64);

    private static void run(String name, int calls, int concurrency, Supplier<CompletableFuture<ConnectResponse>> call) {
        Histogram h = new Histogram(60_000_000_000L, 3);
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        ClosedLoop.run(calls, concurrency, call, (ConnectResponse r, Throwable e, long nanos) -> {
            if (e != null) {
                failed.incrementAndGet();
            } else {
                synchronized (h) {
                    h.recordValue(nanos);
                }
            }
        }).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-32s calls=%d failed=%d calls_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f%n",
                name, calls, failed.get(), calls / seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }
}
