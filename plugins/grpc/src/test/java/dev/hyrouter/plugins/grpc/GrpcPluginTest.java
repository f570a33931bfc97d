package dev.hyrouter.plugins.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginStage;
import dev.hyrouter.plugin.ChainResult;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.PluginChain;
import dev.hyrouter.plugins.sdk.PluginGrpc;
import dev.hyrouter.plugins.sdk.PluginServer;
import dev.hyrouter.routing.Backend;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class GrpcPluginTest {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void stop() {
        TIMER.shutdownNow();
    }

    static ConnectRequest request(String username, String sni) {
        return new ConnectRequest(new ConnectEvent(sni, "", "h", 0, "u", username, "en-US", false), "round_robin",
                List.of(new Backend("a.internal", 5520)), 0, new Backend("a.internal", 5520), null);
    }

    static PluginConfig config(String name, String address, Duration timeout, int breakerFailures, Duration cooldown) {
        PluginConfig.GrpcSettings d = PluginConfig.GrpcSettings.of(address);
        PluginConfig.GrpcSettings s = new PluginConfig.GrpcSettings(address, 2, false, "", "", d.keepaliveTime(), d.keepaliveTimeout(),
                breakerFailures, cooldown);
        return new PluginConfig(name, PluginConfig.PluginType.GRPC, PluginStage.DENY, List.of(), List.of(), timeout, s, null, 1);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void sendsApplicationGrpcJsonThatAGoStyleServerAccepts() throws Exception {
        try (StrictJsonServer strict = new StrictJsonServer(r -> ConnectResponse.denyWith("strict says no " + r.event().username()))) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("strict", "127.0.0.1:" + strict.port(), Duration.ofSeconds(5), 5, Duration.ofSeconds(1)));
            try {
                for (int i = 0; i < 20; i++) {
                    ConnectResponse r = plugin.onConnect(request("steve" + i, "play.example.com")).toCompletableFuture().get(5, TimeUnit.SECONDS);
                    assertThat(r.denyReason()).isEqualTo("strict says no steve" + i);
                }
                assertThat(strict.contentTypes).hasSize(20).containsOnly("application/grpc+json");
            } finally {
                plugin.close();
            }
            // A stock grpc-java channel sends a bare application/grpc and is refused: the server is strict.
            ManagedChannel stock = NettyChannelBuilder.forAddress("127.0.0.1", strict.port()).usePlaintext().build();
            try {
                assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(stock, PluginGrpc.ON_CONNECT,
                        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request("x", "y")))
                        .hasMessageContaining("INTERNAL").hasMessageContaining("unmarshalling");
                assertThat(strict.contentTypes).contains("application/grpc");
            } finally {
                stock.shutdownNow();
            }
        }
    }

    @Test
    void ourSdkServerAcceptsBothContentTypes() throws Exception {
        try (PluginServer server = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), r -> ConnectResponse.denyWith("sdk"))) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("sdk", "127.0.0.1:" + server.port(), Duration.ofSeconds(5), 5, Duration.ofSeconds(1)));
            ManagedChannel stock = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                assertThat(plugin.onConnect(request("a", "b")).toCompletableFuture().get(5, TimeUnit.SECONDS).denyReason()).isEqualTo("sdk");
                assertThat(ClientCalls.blockingUnaryCall(stock, PluginGrpc.ON_CONNECT, io.grpc.CallOptions.DEFAULT, request("a", "b"))
                        .denyReason()).isEqualTo("sdk");
            } finally {
                plugin.close();
                stock.shutdownNow();
            }
        }
    }

    @Test
    void aSlowServerIsCutAtTheDeadlineAndADownOneIsSkipped() throws Exception {
        try (PluginServer slow = PluginServer.startAsync(new InetSocketAddress("127.0.0.1", 0), r -> {
            CompletableFuture<ConnectResponse> f = new CompletableFuture<>();
            TIMER.schedule(() -> f.complete(ConnectResponse.denyWith("too late")), 2, TimeUnit.SECONDS);
            return f;
        })) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("slow", "127.0.0.1:" + slow.port(), Duration.ofMillis(200), 0, Duration.ofSeconds(1)));
            try {
                PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(plugin, Duration.ofMillis(300))), TIMER);
                ChainResult r = chain.run(request("x", "y").event(), "round_robin", List.of(), 0, new Backend("a.internal", 5520))
                        .get(5, TimeUnit.SECONDS);
                assertThat(r.denied()).isFalse();
                assertThat(r.backend().host()).isEqualTo("a.internal");
                assertThat(chain.stats().get(0).errors() + chain.stats().get(0).timeouts()).isEqualTo(1);
                waitFor(() -> plugin.inFlight() == 0);
            } finally {
                plugin.close();
            }
        }
        GrpcPlugin down = GrpcPlugin.connect(config("down", "127.0.0.1:" + freePort(), Duration.ofMillis(500), 0, Duration.ofSeconds(1)));
        try {
            PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(down, Duration.ofSeconds(1))), TIMER);
            ChainResult r = chain.run(request("x", "y").event(), "round_robin", List.of(), 0, new Backend("a.internal", 5520))
                    .get(5, TimeUnit.SECONDS);
            assertThat(r.backend().host()).isEqualTo("a.internal");
            assertThat(chain.stats().get(0).errors()).isEqualTo(1);
        } finally {
            down.close();
        }
    }

    @Test
    void theCircuitBreakerOpensAndClosesAgain() throws Exception {
        int port = freePort();
        GrpcPlugin plugin = GrpcPlugin.connect(config("flaky", "127.0.0.1:" + port, Duration.ofMillis(500), 3, Duration.ofMillis(300)));
        try {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> plugin.onConnect(request("x", "y")).toCompletableFuture().get(5, TimeUnit.SECONDS));
            }
            assertThat(plugin.circuitOpen()).isTrue();
            assertThat(plugin.circuitOpenedCount()).isEqualTo(1);
            // Open: refused at once, no call made.
            assertThatThrownBy(() -> plugin.onConnect(request("x", "y")).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("circuit open");
            assertThat(plugin.skippedByBreaker()).isEqualTo(1);
            try (PluginServer up = PluginServer.start(new InetSocketAddress("127.0.0.1", port), r -> ConnectResponse.EMPTY)) {
                Thread.sleep(400);
                // Past the cool-down one trial goes through; the server answers, so the circuit closes
                // (channels may need a moment to reconnect: retry the trial a few times).
                waitFor(() -> {
                    try {
                        plugin.onConnect(request("x", "y")).toCompletableFuture().get(2, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // still reconnecting
                    }
                    return !plugin.circuitOpen();
                });
                assertThat(plugin.onConnect(request("x", "y")).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(ConnectResponse.EMPTY);
            }
        } finally {
            plugin.close();
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 15 s");
            }
            Thread.sleep(50);
        }
    }
}
