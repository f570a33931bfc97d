package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.client.SessionResult;
import dev.hyrouter.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code limits} over real QUIC: refusals before the handshake, counted by limit, and Retry in auto mode. */
class LimitsEndToEndTest {
    private static final String ROUTING = """
            routing:
              default: {strategy: random, backends: [{host: lobby.internal, port: 5520}]}
            """;

    /** Opens {@code n} connections that send no Connect (held by the router until the connect deadline). */
    private static List<CompletableFuture<SessionResult>> holdSilent(TestRouter r, int n) {
        List<CompletableFuture<SessionResult>> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(r.client.run(r.request("play.example.com").withSilence().withTimeout(Duration.ofSeconds(20))));
        }
        return held;
    }

    /**
     * The session ended by the router's stateless CONNECTION_CLOSE (transport error
     * CONNECTION_REFUSED with {@code reason}), not by the client giving up: a silent drop would
     * end in the client's own timeout and fail here.
     */
    private static void assertRefused(TestRouter r, String reason) {
        assertThatThrownBy(() -> r.run("play.example.com")).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(dev.hyrouter.client.ServerClosedException.class, c -> {
                    assertThat(c.refused()).as("CONNECTION_REFUSED").isTrue();
                    assertThat(c.reason()).isEqualTo(reason);
                });
    }

    /** A refused client whose Initial was resent before the close arrived is refused (and counted) twice. */
    private static void assertRefusedOnce(TestRouter r, String limit) {
        assertThat(r.server.stats().refusedByLimit(limit)).isBetween(1L, 2L);
    }

    @Test
    void theConnectionOverTheLimitOfOneAddressIsRefusedAndCounted() throws Exception {
        try (TestRouter r = TestRouter.start("quic: {event_loops: 2, connect_timeout: 3s}\n"
                + "limits: {max_connections_per_ip: 3, new_connections_per_ip: 0}\n" + ROUTING)) {
            List<CompletableFuture<SessionResult>> held = holdSilent(r, 3);
            Await.until("three connections held", () -> r.server.stats().connectionsOpen() == 3);
            assertRefused(r, "too many connections from your address");
            assertRefusedOnce(r, "max_connections_per_ip");
            long refusedBefore = r.server.stats().refusedByLimit("max_connections_per_ip");
            assertThat(r.server.stats().connectsReceived()).as("a refused connection reaches no decision").isZero();
            // When the held connections end (connect deadline), the address may connect again.
            for (CompletableFuture<SessionResult> f : held) {
                assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            }
            r.assertNothingLeaks();
            assertThat(r.run("play.example.com").answer().host()).isEqualTo("lobby.internal");
            assertThat(r.server.stats().refusedByLimit("max_connections_per_ip")).isEqualTo(refusedBefore);
            r.assertNothingLeaks();
        }
    }

    @Test
    void theConnectionOverTheGlobalLimitIsRefusedAndCounted() throws Exception {
        try (TestRouter r = TestRouter.start("quic: {event_loops: 1, connect_timeout: 3s}\n"
                + "limits: {max_connections: 2, max_connections_per_ip: 0, new_connections_per_ip: 0}\n" + ROUTING)) {
            holdSilent(r, 2);
            Await.until("two connections held", () -> r.server.stats().connectionsOpen() == 2);
            assertRefused(r, "server busy");
            assertRefusedOnce(r, "max_connections");
            r.assertNothingLeaks();
            assertThat(r.run("play.example.com").answer().isReferral()).isTrue();
        }
    }

    @Test
    void aConnectionOverTheRateOfItsAddressIsRefusedAndALaterOneServed() throws Exception {
        // One new connection per second, no burst: back-to-back sessions meet a refusal long before a second passes.
        try (TestRouter r = TestRouter.start("limits: {new_connections_per_ip: 1, new_connections_per_ip_burst: 1}\n" + ROUTING)) {
            int served = 0;
            boolean refused = false;
            for (int i = 0; i < 10 && !refused; i++) {
                try {
                    r.run("play.example.com");
                    served++;
                } catch (ExecutionException e) {
                    refused = true;
                }
            }
            assertThat(refused).isTrue();
            assertThat(served).isPositive();
            assertRefusedOnce(r, "new_connections_per_ip");
            // The bucket refills a token per second: a later session is served.
            Await.until("a session served once the bucket refilled", () -> {
                try {
                    return r.run("play.example.com").answer().isReferral();
                } catch (Exception e) {
                    return false;
                }
            });
            r.assertNothingLeaks();
        }
    }

    @Test
    void aReloadChangesTheLimitsForTheNextConnection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("hyrouter.yaml");
        String strict = "listen: \"127.0.0.1:0\"\nquic: {connect_timeout: 3s}\nlimits: {max_connections_per_ip: 1, new_connections_per_ip: 0}\n"
                + ROUTING;
        java.nio.file.Files.writeString(file, strict);
        try (TestRouter r = TestRouter.startConfigFile(strict, file.toString())) {
            holdSilent(r, 1);
            Await.until("one connection held", () -> r.server.stats().connectionsOpen() == 1);
            assertRefused(r, "too many connections from your address");
            java.nio.file.Files.writeString(file, strict.replace("max_connections_per_ip: 1", "max_connections_per_ip: 2"));
            assertThat(r.server.reload().ok()).isTrue();
            assertThat(r.run("play.example.com").answer().isReferral()).isTrue();
            r.assertNothingLeaks();
        }
    }

    @Test
    void retryAutoSwitchesOnAboveItsThresholdAndOffBelowIt() throws Exception {
        // 1 new connection per second: the second connection within one 100 ms window turns Retry on for the next window.
        try (TestRouter r = TestRouter.start("quic: {event_loops: 1}\nlimits: {retry: auto, retry_threshold: 1, new_connections_per_ip: 0}\n"
                + ROUTING)) {
            for (int i = 0; i < 50 && r.server.stats().retriesSent() == 0; i++) {
                List<CompletableFuture<SessionResult>> burst = new ArrayList<>();
                for (int j = 0; j < 4; j++) {
                    burst.add(r.client.run(r.request("play.example.com")));
                }
                for (CompletableFuture<SessionResult> f : burst) {
                    assertThat(f.get(60, TimeUnit.SECONDS).answer().isReferral()).as("a Retry costs a round trip, not the session").isTrue();
                }
            }
            assertThat(r.server.stats().retriesSent()).isPositive();
            assertThat(r.server.stats().invalidRetryTokens()).isZero();
            r.assertNothingLeaks();
            // Quiet for several windows: the next new client is served without a Retry.
            Thread.sleep(500);
            long retries = r.server.stats().retriesSent();
            assertThat(r.run("play.example.com").answer().isReferral()).isTrue();
            assertThat(r.server.stats().retriesSent()).isEqualTo(retries);
            assertThat(r.server.intake().retryingLoops()).isZero();
        }
    }
}
