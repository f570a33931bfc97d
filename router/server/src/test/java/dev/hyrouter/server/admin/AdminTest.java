package dev.hyrouter.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.PluginFactory;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.server.RouterServer;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.TestPlugin;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener scraped and driven over real HTTP while real QUIC clients are answered. */
class AdminTest {
    private static final String CONFIG = """
            listen: "127.0.0.1:0"
            messages:
              disconnect:
                no_backends: "full"
            routing:
              routes:
                - match: {hostname: play.example.com}
                  pool: {strategy: round_robin, backends: [{host: old.internal, port: 5520}]}
                - match: {hostname: full.example.com}
                  pool: {strategy: random, filters: [{type: game_start_not_past, key: s}], backends: [{host: x, port: 1, meta: {s: "5"}}]}
            plugins:
              - name: gate
                type: wasm
                wasm: {path: gate.wasm}
            """;

    @TempDir
    Path dir;
    private RouterServer server;
    private AdminServer admin;
    private HytaleClient client;
    private final HttpClient http = HttpClient.newHttpClient();
    /** What the plugin does with each call; replaced per test. */
    private volatile Function<dev.hyrouter.plugin.ConnectRequest, CompletionStage<ConnectResponse>> behaviour =
            r -> CompletableFuture.completedFuture("deny".equals(r.event().username()) ? ConnectResponse.denyWith("denied by gate")
                    : ConnectResponse.EMPTY);
    private int pluginsCreated;

    private Path start(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("hyrouter.yaml"), yaml);
        Map<PluginConfig.PluginType, PluginFactory> factories = TestRouter.wasmPlugins(config -> {
            pluginsCreated++;
            return TestPlugin.async(config.name(), r -> behaviour.apply(r));
        });
        server = RouterServer.start(ConfigLoader.load(file), factories, DiscoveryResolver.NONE);
        admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), server, RouterMetrics.registry(server));
        client = HytaleClient.create(1);
        return file;
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample of the Prometheus text format, by name and labels as written. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    private ClientRequest request(String sni) {
        return ClientRequest.to(server.address(), sni).withTimeout(Duration.ofSeconds(30));
    }

    private ServerAnswer ask(ClientRequest r) throws Exception {
        return client.run(r).get(60, TimeUnit.SECONDS).answer();
    }

    /** Starts a session whose plugin call answers only when {@code answer} completes; returns once the call is in flight. */
    private CompletableFuture<dev.hyrouter.client.SessionResult> waitingOnThePlugin(CompletableFuture<ConnectResponse> answer) throws Exception {
        CompletableFuture<Void> called = new CompletableFuture<>();
        behaviour = r -> {
            called.complete(null);
            return answer;
        };
        CompletableFuture<dev.hyrouter.client.SessionResult> inFlight = client.run(request("play.example.com"));
        called.get(30, TimeUnit.SECONDS);
        return inFlight;
    }

    @Test
    void metricsCountExactlyTheSessionsThatWereServed() throws Exception {
        start(CONFIG);
        for (int i = 0; i < 3; i++) {
            assertThat(ask(request("play.example.com")).host()).isEqualTo("old.internal");
        }
        assertThat(ask(request("nowhere.example.com")).reason()).isNotEmpty();
        assertThat(ask(request("nowhere.example.com")).reason()).isNotEmpty();
        assertThat(ask(request("full.example.com")).reason()).isEqualTo("full");
        assertThat(ask(request("play.example.com").withFields(ConnectFields.defaults().withUsername("deny"))).reason())
                .isEqualTo("denied by gate");
        byte[] garbage = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(4).writeIntLE(0).writeBytes(new byte[] {1, 2, 3, 4}));
        assertThat(ask(request("play.example.com").withRawBytes(garbage)).host()).isEqualTo("old.internal");
        Await.until("every connection closed", () -> server.stats().connectionsOpen() == 0);

        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("hyrouter_connections_accepted_total", 8.0)
                .containsEntry("hyrouter_connections_open", 0.0)
                .containsEntry("hyrouter_connects_total{result=\"decoded\"}", 7.0)
                .containsEntry("hyrouter_connects_total{result=\"undecodable\"}", 1.0)
                .containsEntry("hyrouter_answers_total{outcome=\"referral\"}", 4.0)
                .containsEntry("hyrouter_answers_total{outcome=\"no_route\"}", 2.0)
                .containsEntry("hyrouter_answers_total{outcome=\"no_backends\"}", 1.0)
                .containsEntry("hyrouter_answers_total{outcome=\"denied\"}", 1.0)
                .containsEntry("hyrouter_answers_total{outcome=\"shed\"}", 0.0)
                .containsEntry("hyrouter_referrals_by_route_total{route=\"play.example.com\"}", 4.0)
                .containsEntry("hyrouter_referrals_by_route_total{route=\"default\"}", 0.0)
                .containsEntry("hyrouter_connects_undecodable_total{reason=\"truncated\"}", 1.0)
                .containsEntry("hyrouter_connects_undecodable_total{reason=\"negative_offset\"}", 0.0)
                // Every Connect runs the plugin, routing failures and the undecodable one too.
                .containsEntry("hyrouter_plugin_calls_total{plugin=\"gate\"}", 8.0)
                .containsEntry("hyrouter_plugin_denies_total{plugin=\"gate\"}", 1.0)
                .containsEntry("hyrouter_handshakes_failed_total", 0.0)
                .containsEntry("hyrouter_config_generation", 1.0)
                .containsEntry("hyrouter_config_last_reload_success", 1.0);
        // Every answer and every handshake is in its histogram.
        assertThat(m).containsEntry("hyrouter_answer_latency_seconds_count", 8.0)
                .containsEntry("hyrouter_answer_latency_seconds_bucket{le=\"+Inf\"}", 8.0)
                .containsEntry("hyrouter_handshake_latency_seconds_count", 8.0)
                .containsEntry("hyrouter_plugin_call_latency_seconds_count{plugin=\"gate\"}", 8.0);
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
        // The event loops that served the sessions allocated, and are one series (numbers folded).
        assertThat(m.entrySet()).filteredOn(e -> e.getKey().startsWith("hyrouter_thread_allocated_bytes_total{threads=\"hyrouter-quic-#-#\"}"))
                .singleElement().satisfies(e -> assertThat(e.getValue()).isPositive());
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").body()).isEqualTo("ready\n");
        assertThat(get("/-/reload").statusCode()).isEqualTo(405);
    }

    @Test
    void aReloadServesNewConnectionsWhileAConnectionInFlightFinishesUnderTheOldConfig() throws Exception {
        Path file = start(CONFIG);
        CompletableFuture<ConnectResponse> slow = new CompletableFuture<>();
        CompletableFuture<dev.hyrouter.client.SessionResult> inFlight = waitingOnThePlugin(slow);

        Files.writeString(file, CONFIG.replace("old.internal", "new.internal")
                .replace("  routes:\n", "  routes:\n    - match: {hostname: added.example.com}\n"
                        + "      pool: {strategy: round_robin, backends: [{host: added.internal, port: 5521}]}\n"));
        HttpResponse<String> reload = post("/-/reload");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(reload.body()).contains("generation 2");
        behaviour = r -> CompletableFuture.completedFuture(ConnectResponse.EMPTY);

        assertThat(ask(request("added.example.com")).host()).isEqualTo("added.internal");
        assertThat(ask(request("play.example.com")).host()).isEqualTo("new.internal");
        slow.complete(ConnectResponse.EMPTY);
        assertThat(inFlight.get(60, TimeUnit.SECONDS).answer().host()).as("the call in flight answers under the old config").isEqualTo("old.internal");

        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("hyrouter_config_generation", 2.0)
                // The plugin was kept: created once, and its counters went on.
                .containsEntry("hyrouter_plugins_created_total", 1.0)
                .containsEntry("hyrouter_plugin_calls_total{plugin=\"gate\"}", 3.0)
                .containsEntry("hyrouter_referrals_by_route_total{route=\"added.example.com\"}", 1.0);
        assertThat(pluginsCreated).isEqualTo(1);
    }

    @Test
    void anInvalidReloadOrOneThatNeedsARestartIsRefusedAndTheOldConfigServes() throws Exception {
        Path file = start(CONFIG);
        Files.writeString(file, CONFIG.replace("port: 5520", "port: 99999"));
        HttpResponse<String> bad = post("/-/reload");
        assertThat(bad.statusCode()).isEqualTo(409);
        assertThat(bad.body()).startsWith("reload refused, the running config keeps serving: invalid config: " + file + ":8: ")
                .contains("port must be between 1 and 65535");
        assertThat(ask(request("play.example.com")).host()).isEqualTo("old.internal");

        Files.writeString(file, CONFIG.replace("listen: \"127.0.0.1:0\"", "listen: \"127.0.0.1:5599\""));
        HttpResponse<String> restart = post("/-/reload");
        assertThat(restart.statusCode()).isEqualTo(409);
        assertThat(restart.body()).contains("listen changed: that needs a restart");
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("hyrouter_config_generation", 1.0).containsEntry("hyrouter_config_last_reload_success", 0.0);
        assertThat(ask(request("play.example.com")).host()).isEqualTo("old.internal");
    }

    @Test
    void limitRefusalsAreCountedByLimit() throws Exception {
        start(CONFIG + "quic: {connect_timeout: 2s}\nlimits: {max_connections_per_ip: 1, retry: never}\n");
        CompletableFuture<dev.hyrouter.client.SessionResult> held = client.run(request("play.example.com").withSilence());
        Await.until("one connection held", () -> server.stats().connectionsOpen() == 1);
        assertThat(client.run(request("play.example.com")).handle((r, e) -> e).get(60, TimeUnit.SECONDS)).isNotNull();
        Map<String, Double> m = scrape();
        assertThat(m).containsEntry("hyrouter_refused_total{limit=\"max_connections_per_ip\"}", 1.0)
                .containsEntry("hyrouter_refused_total{limit=\"max_connections\"}", 0.0)
                .containsEntry("hyrouter_refused_total{limit=\"new_connections_per_ip\"}", 0.0)
                .containsEntry("hyrouter_refused_total{limit=\"draining\"}", 0.0)
                // Answered at the door: the codec built no connection for it.
                .containsEntry("hyrouter_refused_source_before_codec_total", 1.0)
                .containsEntry("hyrouter_limit_tracked_sources", 1.0)
                .containsEntry("hyrouter_retry_active_loops", 0.0)
                .containsEntry("hyrouter_retries_sent_total", 0.0)
                .containsEntry("hyrouter_connections_accepted_total", 1.0);
        held.handle((r, e) -> r).get(60, TimeUnit.SECONDS);
    }

    @Test
    void drainingRefusesNewConnectionsAndTurnsUnready() throws Exception {
        start(CONFIG);
        CompletableFuture<ConnectResponse> slow = new CompletableFuture<>();
        CompletableFuture<dev.hyrouter.client.SessionResult> inFlight = waitingOnThePlugin(slow);
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return server.drain(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("unready while draining", () -> server.intake().draining());
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("not ready: draining for shutdown\n");
        // A new connection is turned away.
        dev.hyrouter.client.SessionResult refused = client.run(request("play.example.com").withTimeout(Duration.ofSeconds(5)))
                .handle((r, e) -> r).get(60, TimeUnit.SECONDS);
        assertThat(refused == null || !refused.answer().isReferral()).isTrue();
        assertThat(server.stats().refusedDraining()).isEqualTo(1);
        // The one in flight is answered, then the drain ends.
        slow.complete(ConnectResponse.EMPTY);
        assertThat(inFlight.get(60, TimeUnit.SECONDS).answer().host()).isEqualTo("old.internal");
        assertThat(drained.get(60, TimeUnit.SECONDS)).isTrue();
    }
}
