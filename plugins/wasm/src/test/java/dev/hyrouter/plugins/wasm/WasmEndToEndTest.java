package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.envelope.EnvelopeVerifier;
import dev.hyrouter.envelope.HmacSecret;
import dev.hyrouter.plugin.PluginStats;
import dev.hyrouter.server.TestRouter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real QUIC, real WASM modules compiled from the committed sources. */
class WasmEndToEndTest {
    private static final String ROUTES = """
            quic: {event_loops: 2}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            referral: {key_id: 1, hmac_secret: "s3cret"}
            routing:
              default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}
            """;

    /** A plugin entry with a deadline no busy machine reaches. */
    private static String plugin(String name, String module, String extra) {
        return plugin(name, module, extra, "30s");
    }

    private static String plugin(String name, String module, String extra, String timeout) {
        return "  - name: " + name + "\n    type: wasm\n    timeout: " + timeout + "\n    wasm:\n      path: \"" + Modules.path(module) + "\"\n"
                + extra;
    }

    private static String content(ServerAnswer a) throws Exception {
        return new String(EnvelopeVerifier.withSecret(HmacSecret.parse("s3cret")).verify(a.data()).content());
    }

    @Test
    void watPluginDeniesAndFillsTheEnvelope() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("wat", "wat-plugin", ""))) {
            ServerAnswer denied = r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("deny"))).answer();
            assertThat(denied.reason()).isEqualTo("denied by wasm plugin");
            ServerAnswer ok = r.run("play.example.com").answer();
            assertThat(ok.host()).isEqualTo("lobby.internal");
            assertThat(content(ok)).isEqualTo("wasm-plugin");
        }
    }

    @Test
    void cPluginOverridesTheBackend() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("c", "c-plugin", ""))) {
            assertThat(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("deny"))).answer().reason())
                    .isEqualTo("denied by wasm plugin");
            ServerAnswer ok = r.run("play.example.com").answer();
            assertThat(ok.host()).isEqualTo("play.hyvane.com");
            assertThat(ok.port()).isEqualTo(5520);
            assertThat(content(ok)).isEqualTo("wasm-plugin");
        }
    }

    @Test
    void brokenPluginsAreSkippedAndTheConnectionStillAnswered() throws Exception {
        StringBuilder yaml = new StringBuilder(ROUTES + "plugins:\n");
        for (String m : new String[] {"trap", "loop", "oob", "garbage", "oversized"}) {
            // The loop never answers: only its deadline ends it, so that one is short.
            yaml.append(plugin(m, m, "      pool_size: 1\n", m.equals("loop") ? "300ms" : "30s"));
        }
        // The last plugin still runs after five broken ones and its content arrives.
        yaml.append(plugin("wat", "wat-plugin", ""));
        try (TestRouter r = TestRouter.startWithRuntimes(yaml.toString())) {
            for (int i = 0; i < 2; i++) {
                ServerAnswer a = r.run("play.example.com").answer();
                assertThat(a.host()).isEqualTo("lobby.internal");
                assertThat(content(a)).isEqualTo("wasm-plugin");
            }
            List<PluginStats> stats = r.server.core().plugins().stats();
            assertThat(stats).extracting(PluginStats::name).containsExactly("trap", "loop", "oob", "garbage", "oversized", "wat");
            assertThat(stats.get(0).errors()).isEqualTo(2);
            assertThat(stats.get(1).timeouts()).isEqualTo(2);
            assertThat(stats.get(2).errors()).isEqualTo(2);
            assertThat(stats.get(3).errors()).isEqualTo(2);
            assertThat(stats.get(4).errors()).isEqualTo(2);
            assertThat(stats.get(5).errors() + stats.get(5).timeouts()).isZero();
        }
    }

    @Test
    void memoryGrowthIsRecycledBetweenSessions() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n"
                + plugin("leak", "leak", "      pool_size: 1\n      max_memory_bytes: 1048576\n"))) {
            for (int i = 0; i < 40; i++) {
                assertThat(r.run("play.example.com").answer().isReferral()).isTrue();
            }
            WasmPlugin leak = (WasmPlugin) r.server.core().plugins().plugin("leak");
            assertThat(leak.stats().recycledForMemory()).isEqualTo(2);
            // The same figures reach /metrics through the runtime's own report.
            var snapshots = dev.hyrouter.server.admin.RouterMetrics.registry(r.server).scrape();
            var recycled = (io.prometheus.metrics.model.snapshots.CounterSnapshot) snapshots.stream()
                    .filter(m -> m.getMetadata().getName().equals("hyrouter_wasm_instances_recycled")).findFirst().orElseThrow();
            assertThat(recycled.getDataPoints()).filteredOn(d -> "memory".equals(d.getLabels().get("cause")))
                    .singleElement().satisfies(d -> assertThat(d.getValue()).isEqualTo(2.0));
            assertThat(r.server.core().plugins().stats().get(0).errors()).isZero();
        }
    }

    /** A router for many concurrent sessions from one address (per-address limits off); its plugins follow. */
    private static final String CONCURRENT = """
            quic: {event_loops: 2, close_after_answer: 2s}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}
            plugins:
            """;

    /** How a closed-loop run ended: sessions referred to the expected host, and the rest. */
    private record Sessions(int referred, int failed) {
    }

    /** Runs {@code count} sessions, 64 at a time; a session counts as referred when it reached {@code host}. */
    private static Sessions sessions(TestRouter r, int count, String host) throws Exception {
        int referred = r.referredTo("play.example.com", host, count, 64);
        return new Sessions(referred, count - referred);
    }

    /**
     * Many concurrent sessions through the C/WASI plugin: every one answered by the plugin, every
     * call counted, nothing left open. Volume and heap behaviour over time belong to the load and
     * soak runs; here the deadline is one no stall of a busy machine reaches, so a failure means a
     * lost or mis-answered session, not a slow one.
     */
    @Test
    void concurrentSessionsThroughTheCPluginAreAllAnsweredAndLeakNothing() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(CONCURRENT + plugin("c", "c-plugin", "", "30s"))) {
            Sessions run = sessions(r, 600, "play.hyvane.com");
            assertThat(run.failed()).as("sessions failed or not steered by the plugin").isZero();
            assertThat(run.referred()).isEqualTo(600);
            PluginStats s = r.server.core().plugins().stats().get(0);
            assertThat(s.calls()).isEqualTo(600);
            assertThat(s.errors() + s.timeouts() + s.shed()).as(s.toString()).isZero();
            r.assertNothingLeaks();
        }
    }

    /**
     * An endless plugin called inline under 64 concurrent sessions: every session is still
     * answered (the plugin skipped at its deadline), every call is stopped at its deadline (by the
     * compiled module's own check; the watchdog thread is the backstop for interpreted code) and
     * costs its instance, and no interrupt leaks into an event loop (the router keeps serving).
     * How long past its deadline a loop was held is recorded, not asserted
     * ({@code hyrouter_wasm_max_overshoot_seconds}).
     */
    @Test
    void anEndlessInlinePluginUnderConcurrentLoadIsStoppedAtEveryDeadline() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(CONCURRENT + plugin("loop", "loop", "      max_calls_per_instance: 0\n", "50ms"))) {
            Sessions run = sessions(r, 200, "lobby.internal");
            assertThat(run.failed()).isZero();
            assertThat(run.referred()).isEqualTo(200);
            PluginStats s = r.server.core().plugins().stats().get(0);
            WasmPlugin loop = (WasmPlugin) r.server.core().plugins().plugin("loop");
            assertThat(s.timeouts()).isEqualTo(200);
            assertThat(loop.stats().interrupted()).isEqualTo(200);
            assertThat(loop.stats().recycledAfterFailure()).isEqualTo(200);
            assertThat(r.run("play.example.com").answer().isReferral()).as("the loops still serve").isTrue();
            r.assertNothingLeaks();
        }
    }
}
