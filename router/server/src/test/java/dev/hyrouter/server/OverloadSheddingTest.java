package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ServerClosedException;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.TestPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Admission in a rush, over real QUIC: an event loop that is behind (here an inline plugin holds
 * it 50 ms a call, so every client's next flight waits in the socket) refuses new connections
 * at once with a stateless "server busy", while the connections it admitted complete; once it
 * catches up it admits again.
 */
class OverloadSheddingTest {
    private static final String CONFIG = """
            # A long connect timeout: the admitted clients' Connects wait their turn behind the slow plugin.
            quic: {event_loops: 1, connect_timeout: 120s}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0, handshake_queue_target: 100ms}
            routing:
              default: {strategy: round_robin, backends: [{host: backend.internal, port: 5520}]}
            plugins:
              - name: slow
                type: wasm
                timeout: 30s
                wasm: {path: slow.wasm}
            """;

    @Test
    void aLoopThatIsBehindShedsNewHandshakesWhileAdmittedOnesComplete() throws Exception {
        AtomicBoolean slow = new AtomicBoolean(true);
        Plugin plugin = TestPlugin.answering("slow", r -> {
            if (slow.get()) {
                try {
                    Thread.sleep(50); // inline, on the event loop: the loop falls behind
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ConnectResponse.EMPTY;
        });
        try (TestRouter r = TestRouter.start(CONFIG, Map.of("slow", plugin))) {
            // The router's own probe datagrams reach its socket and are measured (an idle socket: microseconds).
            Await.until("the socket queue probe is read", () -> r.server.intake().socketQueueDelaySeconds() > 0);
            // What the probe reads while the loop keeps up (ten probes' worth): the comparison below is
            // against this machine's own idle reading, not a fixed time.
            double idleLongest = 0;
            for (int i = 0; i < 50; i++) {
                idleLongest = Math.max(idleLongest, r.server.intake().socketQueueDelaySeconds());
                Thread.sleep(10);
            }
            List<CompletableFuture<SessionResult>> sessions = new ArrayList<>();
            // The longest socket wait the gauge shows while the loop is behind (each probe's shows until the next one's).
            java.util.concurrent.atomic.DoubleAccumulator longestQueue = new java.util.concurrent.atomic.DoubleAccumulator(Math::max, 0);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    longestQueue.accumulate(r.server.intake().socketQueueDelaySeconds());
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
                }
            });
            sampler.setDaemon(true); // an assertion failing before it is stopped must not hold the test JVM
            sampler.start();
            // Clients keep arriving, far faster than the slow loop serves them, until it sheds: the
            // evidence (handshakes that waited behind the plugin calls) comes in while they arrive.
            for (int wave = 0; wave < 300 && r.server.stats().refusedByLimit("handshake_queue_target") == 0; wave++) {
                for (int i = 0; i < 8; i++) {
                    sessions.add(r.client.run(r.request("play.example.com").withTimeout(java.time.Duration.ofMinutes(2))));
                }
                Thread.sleep(100);
            }
            assertThat(r.server.stats().refusedByLimit("handshake_queue_target")).as("the loop shed").isPositive();
            int referred = 0;
            int refused = 0;
            for (CompletableFuture<SessionResult> f : sessions) {
                try {
                    SessionResult s = f.get(2, TimeUnit.MINUTES);
                    assertThat(s.answer().host()).isEqualTo("backend.internal");
                    referred++;
                } catch (ExecutionException e) {
                    // The router's stateless CONNECTION_CLOSE: the client learns it is refused in one round trip.
                    assertThat(e.getCause()).isInstanceOfSatisfying(ServerClosedException.class, closed -> {
                        assertThat(closed.refused()).isTrue();
                        assertThat(closed.reason()).isEqualTo("server busy");
                    });
                    refused++;
                }
            }
            sampling.set(false);
            sampler.join();
            // Datagrams waited in the socket behind the plugin's 50 ms calls, and the probe saw it: longer
            // than anything it read while the loop kept up. (How much of a call a probe waits out depends
            // on when it arrives and how soon the loop sheds, so no fixed time is asserted.)
            assertThat(longestQueue.get()).as("the socket queue delay seen while the loop was behind, against its idle reading %s s", idleLongest)
                    .isGreaterThan(idleLongest);
            assertThat(referred).as("admitted connections complete").isPositive();
            // A client may try again after a refusal (its Initial retransmitted) and be admitted then:
            // the router counts attempts refused, the clients count sessions that ended refused.
            assertThat(refused).as("clients told they were refused").isPositive()
                    .isLessThanOrEqualTo((int) r.server.stats().refusedByLimit("handshake_queue_target"));
            assertThat(r.server.stats().connectsReceived()).as("a refused client costs no decision").isEqualTo(referred);

            // Caught up: the loop stops shedding and admits everyone again. (A shedding loop also
            // admits one client per handshake that ended, so one referral alone proves nothing:
            // each try is a new connection, which is when the loop decides again.)
            slow.set(false);
            Await.until("the loop stops shedding", () -> {
                try {
                    return r.run("play.example.com").answer().isReferral() && r.server.intake().sheddingLoops() == 0;
                } catch (Exception refusedStill) {
                    return false;
                }
            });
            r.assertNothingLeaks();
            assertThat(r.server.intake().handshakesInProgress()).isZero();
        }
    }
}
