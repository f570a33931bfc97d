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
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.SharedTimer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GrpcPluginTest {
    @RegisterExtension
    static final SharedTimer TIMER = new SharedTimer();

    static ConnectRequest request(String username, String sni) {
        return new ConnectRequest(new ConnectEvent(sni, "", "h", 0, "u", username, "en-US", false), "round_robin",
                List.of(new Backend("a.internal", 5520)), 0, new Backend("a.internal", 5520), null);
    }

    static PluginConfig config(String name, PluginConfig.GrpcSettings settings, Duration timeout) {
        return new PluginConfig(name, PluginConfig.PluginType.GRPC, PluginStage.DENY, List.of(), List.of(), timeout, settings, null, 1);
    }

    /** Two channels, no circuit breaker. */
    static PluginConfig config(String name, String address, Duration timeout) {
        return config(name, PluginConfig.GrpcSettings.of(address).withBreaker(0, Duration.ZERO), timeout);
    }

    @Test
    void sendsApplicationGrpcJsonThatAGoStyleServerAccepts() throws Exception {
        try (StrictJsonServer strict = new StrictJsonServer(r -> ConnectResponse.denyWith("strict says no " + r.event().username()))) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("strict", "127.0.0.1:" + strict.port(), Duration.ofSeconds(30)));
            try {
                for (int i = 0; i < 20; i++) {
                    ConnectResponse r = plugin.onConnect(request("steve" + i, "play.example.com")).toCompletableFuture().get(30, TimeUnit.SECONDS);
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
    void aWarmUpTwinCallsALoopbackServerOfItsOwnAndNeverTheOperators() throws Exception {
        java.util.concurrent.atomic.AtomicInteger operatorCalls = new java.util.concurrent.atomic.AtomicInteger();
        try (PluginServer operator = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), r -> {
            operatorCalls.incrementAndGet();
            return ConnectResponse.denyWith("the operator's server");
        })) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("guard", "127.0.0.1:" + operator.port(), Duration.ofSeconds(30)));
            int port;
            try {
                assertThat(plugin.warmsUp()).isTrue();
                GrpcPlugin twin = (GrpcPlugin) plugin.warmupTwin();
                assertThat(twin).as("the same class, so the chain's compiled call meets one class before ready and after")
                        .isExactlyInstanceOf(GrpcPlugin.class).isNotSameAs(plugin);
                assertThat(twin.name()).isEqualTo("guard");
                assertThat(twin.channelCount()).isEqualTo(plugin.channelCount());
                port = twin.twinServerPort();
                assertThat(port).isPositive().isNotEqualTo(operator.port());
                int denied = 0;
                int steered = 0;
                int unchanged = 0;
                for (int i = 0; i < 16; i++) {
                    ConnectResponse r = twin.onConnect(request("steve" + i, "play.example.com")).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    if (r.deny()) {
                        denied++;
                    } else if (r.backend() != null) {
                        assertThat(r.backend()).as("steered only to the backend routing chose").isEqualTo(new Backend("a.internal", 5520));
                        assertThat(r.referralContent()).isNotEmpty();
                        steered++;
                    } else {
                        assertThat(r.referralContent()).isNull();
                        unchanged++;
                    }
                }
                assertThat(List.of(denied, steered, unchanged)).as("each shape of answer, in turn").containsExactly(2, 6, 8);
                assertThat(operatorCalls).as("the operator's plugin server saw no warm-up call").hasValue(0);
                Await.until("no twin call in flight", () -> twin.inFlight() == 0);
                twin.close();
                new java.net.Socket("127.0.0.1", port).close(); // parked, not closed: its server still accepts
                assertThat(twin.onConnect(request("late", "play.example.com")).toCompletableFuture().get(30, TimeUnit.SECONDS))
                        .as("a parked twin still answers").isNotNull();

                assertThat(plugin.onConnect(request("alex", "play.example.com")).toCompletableFuture().get(30, TimeUnit.SECONDS).denyReason())
                        .isEqualTo("the operator's server");
                assertThat(operatorCalls).hasValue(1);
                assertThat(plugin.twinServerPort()).isEqualTo(-1);
            } finally {
                plugin.close();
            }
            assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close())
                    .as("the twin's loopback server closed with its plugin").isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void ourSdkServerAcceptsBothContentTypes() throws Exception {
        try (PluginServer server = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), r -> ConnectResponse.denyWith("sdk"))) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("sdk", "127.0.0.1:" + server.port(), Duration.ofSeconds(30)));
            ManagedChannel stock = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                assertThat(plugin.onConnect(request("a", "b")).toCompletableFuture().get(30, TimeUnit.SECONDS).denyReason()).isEqualTo("sdk");
                assertThat(ClientCalls.blockingUnaryCall(stock, PluginGrpc.ON_CONNECT, io.grpc.CallOptions.DEFAULT, request("a", "b"))
                        .denyReason()).isEqualTo("sdk");
            } finally {
                plugin.close();
                stock.shutdownNow();
            }
        }
    }

    @Test
    void aServerThatNeverAnswersIsCutAtTheDeadlineAndADownOneIsSkipped() throws Exception {
        // Accepts the call and never answers: only the deadline can end it, however busy the machine.
        try (PluginServer silent = PluginServer.startAsync(new InetSocketAddress("127.0.0.1", 0), r -> new CompletableFuture<>())) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("silent", "127.0.0.1:" + silent.port(), Duration.ofMillis(200)));
            try {
                PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(plugin, Duration.ofMillis(300))), TIMER.get());
                ChainResult r = chain.run(request("x", "y").event(), "round_robin", List.of(), 0, new Backend("a.internal", 5520))
                        .get(30, TimeUnit.SECONDS);
                assertThat(r.denied()).isFalse();
                assertThat(r.backend().host()).isEqualTo("a.internal");
                // The gRPC deadline (200 ms) or the chain's (300 ms) fires first, depending on scheduling.
                assertThat(chain.stats().get(0).errors() + chain.stats().get(0).timeouts()).isEqualTo(1);
                Await.until("the abandoned call finished", () -> plugin.inFlight() == 0);
            } finally {
                plugin.close();
            }
        }
        try (ClosedPort nothing = new ClosedPort()) {
            GrpcPlugin down = GrpcPlugin.connect(config("down", nothing.address(), Duration.ofSeconds(30)));
            try {
                PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(down, Duration.ofSeconds(30))), TIMER.get());
                ChainResult r = chain.run(request("x", "y").event(), "round_robin", List.of(), 0, new Backend("a.internal", 5520))
                        .get(60, TimeUnit.SECONDS);
                assertThat(r.backend().host()).isEqualTo("a.internal");
                assertThat(chain.stats().get(0).errors()).isEqualTo(1);
                assertThat(chain.stats().get(0).timeouts()).isZero();
            } finally {
                down.close();
            }
        }
    }

    @Test
    void anOpenCircuitRefusesCallsWithoutTouchingTheNetwork() throws Exception {
        try (ClosedPort nothing = new ClosedPort()) {
            // A cool-down no test run outlasts: the circuit stays open for every check below.
            GrpcPlugin plugin = GrpcPlugin.connect(config("flaky", PluginConfig.GrpcSettings.of(nothing.address())
                    .withBreaker(3, Duration.ofHours(1)), Duration.ofSeconds(30)));
            try {
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> call(plugin)).hasMessageNotContaining("circuit open");
                }
                assertThat(plugin.circuitOpen()).isTrue();
                assertThat(plugin.circuitOpenedCount()).isEqualTo(1);
                for (int i = 0; i < 5; i++) {
                    assertThatThrownBy(() -> call(plugin)).hasMessageContaining("circuit open");
                }
                assertThat(plugin.skippedByBreaker()).isEqualTo(5);
                assertThat(plugin.inFlight()).isZero();
            } finally {
                plugin.close();
            }
        }
    }

    @Test
    void theCircuitClosesOnceTheServerAnswersAgain() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(false);
        try (PluginServer server = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), r -> {
            if (!healthy.get()) {
                throw new IllegalStateException("not yet");
            }
            return ConnectResponse.EMPTY;
        })) {
            GrpcPlugin plugin = GrpcPlugin.connect(config("recovering", PluginConfig.GrpcSettings.of("127.0.0.1:" + server.port())
                    .withBreaker(2, Duration.ofMillis(100)), Duration.ofSeconds(30)));
            try {
                Await.until("the circuit opened", () -> {
                    try {
                        call(plugin);
                    } catch (Exception expected) {
                        // failing on purpose
                    }
                    return plugin.circuitOpen();
                });
                healthy.set(true);
                // Past the cool-down one trial call goes through; its success closes the circuit.
                Await.until("the circuit closed", () -> {
                    try {
                        call(plugin);
                    } catch (Exception stillOpen) {
                        // refused while open, or the trial raced the flag
                    }
                    return !plugin.circuitOpen();
                });
                assertThat(call(plugin)).isEqualTo(ConnectResponse.EMPTY);
                assertThat(plugin.circuitOpenedCount()).isGreaterThanOrEqualTo(1);
            } finally {
                plugin.close();
            }
        }
    }

    private static ConnectResponse call(GrpcPlugin plugin) throws Exception {
        return plugin.onConnect(request("x", "y")).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
