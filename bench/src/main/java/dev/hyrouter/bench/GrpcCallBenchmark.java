package dev.hyrouter.bench;

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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One gRPC plugin round trip to the example plugin server on loopback (same JVM), one call at a
 * time: through the router's pooled channels versus a new channel per call (connect, HTTP/2
 * preface, call, shutdown). {@code bench.GrpcRoundTrip} measures the same at high concurrency.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GrpcCallBenchmark extends SuiteDefaults {
    @Param({"pooled", "new-channel-per-call"})
    public String channels;

    private PluginServer server;
    private GrpcPlugin pooled;
    private String address;
    private final ConnectRequest request = new ConnectRequest(new ConnectEvent("grpc.example.com", "", "2026.01.29-abc", 0,
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "Steve", "de-DE", true), "round_robin",
            List.of(new Backend("a.internal", 5521), new Backend("b.internal", 5522)), 0, new Backend("a.internal", 5521), null);

    @Setup
    public void setup() throws Exception {
        server = PluginServer.startNonBlocking(new InetSocketAddress("127.0.0.1", 0), ExamplePluginServer::decide);
        address = "127.0.0.1:" + server.port();
        pooled = GrpcPlugin.connect(new PluginConfig("bench", PluginConfig.PluginType.GRPC, PluginStage.DENY, List.of(), List.of(),
                Duration.ofSeconds(5), PluginConfig.GrpcSettings.of(address), null, 1));
    }

    @TearDown
    public void tearDown() {
        pooled.close();
        server.close();
    }

    @Benchmark
    public ConnectResponse call() throws Exception {
        if (channels.equals("pooled")) {
            return pooled.onConnect(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        ManagedChannel ch = NettyChannelBuilder.forTarget(address).usePlaintext().build();
        try {
            return ClientCalls.blockingUnaryCall(ch, PluginGrpc.ON_CONNECT, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request);
        } finally {
            ch.shutdownNow();
        }
    }
}
