package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.testing.TestPlugin;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code warmup.sessions} over real QUIC: the router's own client runs sessions against its
 * listener before ready; they are answered, and no plugin, decision or answer counter sees
 * them. Afterwards the same path is closed: players are decided as before.
 */
class WarmupTest {
    private static final String CONFIG = """
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              default: {strategy: round_robin, backends: [{host: backend.internal, port: 5520}]}
            plugins:
              - name: counting
                type: wasm
                wasm: {path: counting.wasm}
            """;

    /** Collections of the whole heap so far (the old generation's collector: G1's, Parallel's or Serial's). */
    private static long fullCollections() {
        long n = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if (name.contains("Old") || name.contains("MarkSweep")) {
                n += gc.getCollectionCount();
            }
        }
        return n;
    }

    @Test
    void warmUpSessionsAreAnsweredWithoutADecisionAndThePathClosesAfterwards() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Plugin plugin = TestPlugin.answering("counting", r -> {
            calls.incrementAndGet();
            return ConnectResponse.EMPTY;
        });
        try (TestRouter r = TestRouter.start(CONFIG, Map.of("counting", plugin))) {
            long fullBefore = fullCollections();
            RouterServer.WarmupResult w = r.server.warmUp(300, Duration.ofMinutes(2));
            assertThat(fullCollections()).as("the warm-up ends with a full collection, before ready").isGreaterThan(fullBefore);
            // 300 first, then settling rounds of 100 until a round leaves the compiler little to do.
            assertThat(w.settlingRounds()).isBetween(1, 20);
            assertThat(w.sessions()).isEqualTo(300 + 100 * w.settlingRounds());
            assertThat(w.failed()).isZero();
            assertThat(r.server.stats().warmupSessions()).isEqualTo(w.sessions());
            assertThat(calls).as("no plugin saw an invented connection").hasValue(0);
            assertThat(r.server.stats().referrals()).as("warm-up sessions are not answers to players").isZero();
            assertThat(r.server.stats().connectsReceived()).isZero();
            assertThat(r.server.notReadyReason()).isEmpty();

            // A player after the warm-up is decided as always.
            assertThat(r.run("play.example.com").answer().host()).isEqualTo("backend.internal");
            assertThat(calls).hasValue(1);
            // The warm-up's own name opens the path only while a warm-up runs: the same name
            // afterwards is just another client, decided (and counted) as a player.
            String name = r.server.intake().beginWarmup();
            assertThat(r.run(name).answer().host()).isEqualTo("backend.internal");
            assertThat(calls).as("during a warm-up its name skips the players' plugins").hasValue(1);
            assertThat(r.server.stats().warmupSessions()).isEqualTo(w.sessions() + 1);
            r.server.intake().endWarmup();
            assertThat(r.run(name).answer().host()).isEqualTo("backend.internal");
            assertThat(calls).as("after it, the same name is decided as a player's").hasValue(2);
            assertThat(r.server.stats().warmupSessions()).isEqualTo(w.sessions() + 1);
            r.assertNothingLeaks();
        }
    }

    @Test
    void warmUpSessionsRunThePlayersPathOnTwinsAndLeaveNoLineNoCountAndNoThread(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path log = dir.resolve("access.jsonl");
        try (TestRouter r = TestRouter.start(TestRouter.ONE_BACKEND + "logging: {access_log: \"" + log + "\"}\n", Map.of())) {
            int threadsBefore = TestRouter.accessLogThreads();
            String name = r.server.intake().beginWarmup();
            assertThat(TestRouter.accessLogThreads()).as("the warm-up's twin of the access log has its own agent").isEqualTo(threadsBefore + 1);
            for (int i = 0; i < 20; i++) {
                assertThat(r.run(name).answer().isReferral()).isTrue();
            }
            r.server.intake().endWarmup();
            assertThat(TestRouter.accessLogThreads()).as("the twin's agent ended with the warm-up").isEqualTo(threadsBefore);
            assertThat(r.server.stats().warmupSessions()).isEqualTo(20);
            assertThat(r.server.stats().referrals()).isZero();
            assertThat(r.server.stats().connectsReceived()).isZero();
            assertThat(r.server.intake().generation().referralsByRoute()).containsOnly(0L);
            assertThat(r.server.latency().cumulative().getTotalCount()).as("no warm-up session in the answer latency").isZero();

            assertThat(r.run("player.example.com").answer().isReferral()).isTrue();
            r.server.intake().flushAccessLog(10_000);
            assertThat(java.nio.file.Files.readAllLines(log)).as("only the player's outcome is logged")
                    .singleElement().asString().contains("\"sni\":\"player.example.com\"");
            assertThat(r.server.stats().referrals()).isEqualTo(1);
            r.assertNothingLeaks();
        }
    }

    @Test
    void notReadyFromTheAnnouncementUntilTheWarmUpHasRun() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG, Map.of("counting", TestPlugin.answering("counting", q -> ConnectResponse.EMPTY)))) {
            r.server.announceWarmup(0);
            assertThat(r.server.notReadyReason()).as("no warm-up configured: nothing to wait for").isEmpty();
            // The run command announces it before the admin listener starts, so no /readyz poll
            // can find the router ready before its warm-up has begun.
            r.server.announceWarmup(200);
            assertThat(r.server.ready()).isFalse();
            assertThat(r.server.notReadyReason()).isEqualTo("warming up: 0 of 200 sessions");
            RouterServer.WarmupResult w = r.server.warmUp(200, Duration.ofMinutes(2));
            assertThat(w.sessions()).isGreaterThanOrEqualTo(200);
            assertThat(r.server.notReadyReason()).isEmpty();
            // The run command's own start-up holds readiness too, until its signal handlers are in place.
            r.server.starting();
            assertThat(r.server.notReadyReason()).isEqualTo("starting");
            r.server.started();
            assertThat(r.server.notReadyReason()).isEmpty();
            r.assertNothingLeaks();
        }
    }

    @Test
    void aWarmUpEndsAtItsTimeLimit() throws Exception {
        try (TestRouter r = TestRouter.start(CONFIG, Map.of("counting", TestPlugin.answering("counting", q -> ConnectResponse.EMPTY)))) {
            RouterServer.WarmupResult w = r.server.warmUp(1_000_000, Duration.ofMillis(300));
            assertThat(w.sessions()).isLessThan(1_000_000);
            assertThat(r.server.notReadyReason()).isEmpty();
            r.assertNothingLeaks();
        }
    }
}
