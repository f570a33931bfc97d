package dev.hyrouter.plugins.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.client.SessionResult;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.envelope.ReferralEnvelope;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.PluginStats;
import dev.hyrouter.plugins.sdk.PluginServer;
import dev.hyrouter.plugins.sdk.example.ExamplePluginServer;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.Fixtures;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Real QUIC clients, the real router, real gRPC plugin servers on loopback. */
class GrpcEndToEndTest {
    private static final String ROUTES = """
            quic: {event_loops: 2}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              routes:
                - match: {hostname: "*.example.com"}
                  pool: {strategy: round_robin, backends: [{host: a.internal, port: 5521}, {host: b.internal, port: 5522}]}
            """;

    /** A plugin entry; its deadline is one no busy machine reaches unless the test means it to. */
    private static String plugin(String name, int port, String extra) {
        return plugin(name, port, extra, "30s");
    }

    private static String plugin(String name, int port, String extra, String timeout) {
        return "  - name: " + name + "\n    type: grpc\n    stage: deny\n    timeout: " + timeout + "\n    grpc:\n      address: 127.0.0.1:" + port
                + "\n" + extra;
    }

    private static String content(ServerAnswer a) throws Exception {
        return new String(ReferralEnvelope.parse(a.data()).content());
    }

    @Test
    void theExamplePluginDeniesSteersAndSetsContent() throws Exception {
        try (PluginServer example = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), ExamplePluginServer::decide);
             TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("example", example.port(), ""))) {
            ServerAnswer denied = r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("Deny"))).answer();
            assertThat(denied.reason()).isEqualTo("denied by grpc plugin");
            ServerAnswer steered = r.run("grpc.example.com").answer();
            assertThat(steered.host()).isEqualTo("play.hyvane.com");
            assertThat(steered.port()).isEqualTo(5520);
            assertThat(content(steered)).isEqualTo("grpc-plugin");
            ServerAnswer plain = r.run("play.example.com").answer();
            assertThat(plain.host()).endsWith(".internal");
            assertThat(content(plain)).isEqualTo("grpc-plugin");
        }
    }

    @Test
    void responseRulesApplyToCandidatesAndSelectedIndex() throws Exception {
        Function<ConnectRequest, ConnectResponse> handler = q -> switch (q.event().username()) {
            case "pick" -> ConnectResponse.EMPTY.withSelectedIndex(1);
            case "replace" -> ConnectResponse.EMPTY.withCandidates(List.of(new Backend("x.internal", 1), new Backend("y.internal", 2))).withSelectedIndex(1);
            case "seen" -> ConnectResponse.EMPTY.withReferralContent((q.strategy() + "/" + q.candidates().size()).getBytes());
            default -> ConnectResponse.EMPTY;
        };
        try (PluginServer server = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), handler);
             TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("rules", server.port(), ""))) {
            assertThat(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("pick"))).answer().host())
                    .isEqualTo("b.internal");
            ServerAnswer replaced = r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("replace"))).answer();
            assertThat(replaced.host()).isEqualTo("y.internal");
            assertThat(replaced.port()).isEqualTo(2);
            assertThat(content(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("seen"))).answer()))
                    .isEqualTo("round_robin/2");
        }
    }

    @Test
    void aSilentOrDownPluginIsSkippedAndTheClientStillAnswered() throws Exception {
        // "silent" accepts the call and never answers: only its 300 ms deadline ends it.
        try (PluginServer silent = PluginServer.startAsync(new InetSocketAddress("127.0.0.1", 0), q -> new CompletableFuture<>());
             ClosedPort down = new ClosedPort();
             TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("silent", silent.port(), "", "300ms")
                     + plugin("down", down.port(), ""))) {
            SessionResult s = r.run("play.example.com");
            assertThat(s.answer().isReferral()).isTrue();
            assertThat(s.answer().host()).endsWith(".internal");
            List<PluginStats> stats = r.server.core().plugins().stats();
            assertThat(stats.get(0).timeouts() + stats.get(0).errors()).isEqualTo(1);
            assertThat(stats.get(1).errors()).isEqualTo(1);
            assertThat(stats.get(1).timeouts()).isZero();
        }
    }

    @Test
    void concurrentSessionsThroughTheExamplePluginLeakNoCallOrChannel() throws Exception {
        try (PluginServer example = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), ExamplePluginServer::decide);
             TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("example", example.port(), "      channels: 3\n"))) {
            int steered = r.referredTo("grpc.example.com", "play.hyvane.com", 400, 64);
            assertThat(400 - steered).as("sessions failed or not steered by the plugin").isZero();
            assertThat(steered).isEqualTo(400);
            PluginStats s = r.server.core().plugins().stats().get(0);
            assertThat(s.calls()).isEqualTo(400);
            assertThat(s.errors() + s.timeouts() + s.shed()).isZero();
            GrpcPlugin plugin = (GrpcPlugin) r.server.core().plugins().plugin("example");
            Await.until("no gRPC call in flight", () -> plugin.inFlight() == 0);
            assertThat(plugin.channelCount()).isEqualTo(3);
            // Every call went out on the channel of the connection's own event loop.
            assertThat(plugin.perLoopChannels()).isEqualTo(2);
            assertThat(plugin.callsOnOwnLoop()).isEqualTo(400);
            var snapshots = dev.hyrouter.server.admin.RouterMetrics.registry(r.server).scrape();
            var own = (io.prometheus.metrics.model.snapshots.CounterSnapshot) snapshots.stream()
                    .filter(m -> m.getMetadata().getName().equals("hyrouter_grpc_calls_on_own_loop")).findFirst().orElseThrow();
            assertThat(own.getDataPoints()).singleElement().satisfies(d -> assertThat(d.getValue()).isEqualTo(400.0));
            r.assertNothingLeaks();
        }
    }

    @Test
    void theWarmUpRunsThePluginsClientPathAgainstATwinAndThePluginServerSeesNoInventedConnection() throws Exception {
        int twinPort;
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (PluginServer example = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), q -> {
            calls.incrementAndGet();
            return ExamplePluginServer.decide(q);
        });
             TestRouter r = TestRouter.startWithRuntimes(ROUTES + "  default: {strategy: round_robin, backends: [{host: c.internal, port: 5523}]}\n"
                     + "plugins:\n" + plugin("example", example.port(), ""))) {
            // Warm-up sessions are decided under the routes' names and the default pool's, in turn.
            String name = r.server.intake().beginWarmup();
            dev.hyrouter.plugin.PluginChain warm = r.server.intake().warmupChain();
            GrpcPlugin twin = (GrpcPlugin) warm.plugin("example");
            assertThat(twin).as("the warm-up calls the gRPC plugin's twin").isNotNull().isNotSameAs(r.server.core().plugins().plugin("example"));
            int port = twin.twinServerPort();
            int denied = 0;
            for (int i = 0; i < 20; i++) {
                ServerAnswer a = r.run(name).answer();
                if (a.isReferral()) {
                    assertThat(a.host()).endsWith(".internal");
                } else {
                    assertThat(a.reason()).as("the twin's server denies one call in eight").isEqualTo("warm-up");
                    denied++;
                }
            }
            assertThat(denied).isEqualTo(2);
            r.server.intake().endWarmup();
            assertThat(warm.stats().get(0).calls()).as("every warm-up session made its gRPC call").isEqualTo(20);
            assertThat(warm.stats().get(0).errors() + warm.stats().get(0).timeouts()).isZero();
            assertThat(twin.callsOnOwnLoop()).as("on the channel of the session's own event loop, as a player's").isEqualTo(20);
            assertThat(calls).as("the operator's plugin server saw no warm-up session").hasValue(0);
            PluginStats stats = r.server.core().plugins().stats().get(0);
            assertThat(stats.calls()).as("the player's plugin counters saw none either").isZero();
            new java.net.Socket("127.0.0.1", port).close(); // parked until the plugin closes, not closed at the warm-up's end

            ServerAnswer steered = r.run("grpc.example.com").answer();
            assertThat(steered.host()).isEqualTo("play.hyvane.com");
            assertThat(calls).hasValue(1);
            assertThat(stats.calls()).isEqualTo(1);
            r.assertNothingLeaks();
            twinPort = port;
        }
        int closed = twinPort;
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", closed).close())
                .as("the twin's loopback server closed with the router").isInstanceOf(java.net.ConnectException.class);
    }

    /** The fixture plugins config: the gRPC deny plugin on 127.0.0.1:7777, then the C/WASI mutate plugin. */
    @Test
    void pluginsConfigRunsEndToEnd() throws Exception {
        String text = Fixtures.config("plugins.yaml");
        Path wasm = Path.of(System.getProperty("hyrouter.wasm.examples"), "c-plugin", "plugin.wasm");
        try (PluginServer example = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), ExamplePluginServer::decide)) {
            String yaml = text.replace("listen: ':5520'", "")
                    .replace("address: 127.0.0.1:7777", "address: 127.0.0.1:" + example.port())
                    .replace("path: plugins/examples/c-plugin/plugin.wasm", "path: \"" + wasm + "\"");
            assertThat(yaml).doesNotContain("7777").doesNotContain("path: plugins/");
            try (TestRouter r = TestRouter.startWithRuntimes(yaml)) {
                assertThat(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("deny"))).answer().reason())
                        .isEqualTo("denied by grpc plugin");
                ServerAnswer a = r.run("play.example.com").answer();
                // The config's backend is hub.example.net; the gRPC plugin set content "grpc-plugin",
                // then the WASM mutate plugin replaced backend and content.
                assertThat(a.host()).isEqualTo("play.hyvane.com");
                assertThat(content(a)).isEqualTo("wasm-plugin");
                ServerAnswer german = r.run(r.request("nowhere").withFields(ConnectFields.defaults().withLanguage("de"))).answer();
                assertThat(german.isReferral()).isTrue();
            }
        }
    }
}
