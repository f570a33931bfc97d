package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.envelope.EnvelopeVerifier;
import dev.hyrouter.envelope.HmacSecret;
import dev.hyrouter.envelope.ReferralEnvelope;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.testing.TestPlugin;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real QUIC over loopback: a router and a Hytale client, no mock transport. */
class QuicEndToEndTest {
    /**
     * The default connect deadline (5 s) suits every test but the two that wait for it. Every
     * client here is one address, so the per-address limits (LimitsEndToEndTest) are off.
     */
    private static final String ROUTES = """
            quic: {event_loops: 2, close_after_answer: 2s}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              routes:
                - match: {hostnames: ["play.example.com", "*.play.example.com"]}
                  pool: {strategy: round_robin, backends: [{host: a.internal, port: 5521}, {host: b.internal, port: 5522}, {host: c.internal, port: 5523}]}
                - match: {hostname: weighted.example.com}
                  pool: {strategy: weighted, backends: [{host: light.internal, port: 1, weight: 1}, {host: heavy.internal, port: 2, weight: 3}]}
                - match: {hostname: full.example.com}
                  pool: {strategy: random, filters: [{type: game_start_not_past, key: start}], backends: [{host: x, port: 1, meta: {start: "10"}}]}
              default:
                strategy: random
                backends: [{host: lobby.internal, port: 5520}]
            """;

    /** ROUTES with a short connect deadline, for the tests that wait for it to fire. */
    private static String withConnectTimeout(String duration) {
        return ROUTES.replace("quic: {", "quic: {connect_timeout: " + duration + ", ");
    }

    @Test
    void refersMatchedRoutesAndTheDefaultPool() throws Exception {
        try (TestRouter r = TestRouter.start(ROUTES)) {
            SessionResult matched = r.run("eu.play.example.com");
            assertThat(matched.answer().isReferral()).isTrue();
            assertThat(matched.answer().host()).endsWith(".internal");
            assertThat(matched.alpn()).isEqualTo("hytale/2");
            ServerAnswer def = r.run("unknown.example.org").answer();
            assertThat(def.host()).isEqualTo("lobby.internal");
            assertThat(def.port()).isEqualTo(5520);
            // Unsigned envelope with empty content is always present.
            assertThat(def.data()).isEqualTo(new byte[] {'H', 'Y', 'R', 'P', 1, 0, 0, 0, 0});
        }
    }

    @Test
    void addressValidationWithRetryStillRefers() throws Exception {
        try (TestRouter r = TestRouter.start(ROUTES.replace("quic: {", "quic: {address_validation: true, "))) {
            assertThat(r.run("play.example.com").answer().host()).isEqualTo("a.internal");
            assertThat(r.run("play.example.com").answer().host()).isEqualTo("b.internal");
            // One Retry per connection, more if a client Initial was retransmitted on a slow machine.
            assertThat(r.server.stats().retriesSent()).isGreaterThanOrEqualTo(2);
            assertThat(r.server.stats().invalidRetryTokens()).isZero();
            assertThat(r.server.stats().connectionsOpened()).isEqualTo(2);
            r.assertNothingLeaks();
        }
    }

    @Test
    void roundRobinCyclesAcrossConnections() throws Exception {
        try (TestRouter r = TestRouter.start(ROUTES)) {
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                hosts.add(r.run("play.example.com").answer().host());
            }
            assertThat(hosts).containsExactly("a.internal", "b.internal", "c.internal", "a.internal", "b.internal", "c.internal");
        }
    }

    @Test
    void weightedSpreadsByWeight() throws Exception {
        try (TestRouter r = TestRouter.start(ROUTES)) {
            // 32 in flight: the weights are the subject, not a burst (a burst of hundreds on a busy
            // machine is what limits.handshake_queue_target sheds, by design).
            Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
            dev.hyrouter.client.ClosedLoop.run(400, 32, () -> r.client.run(r.request("weighted.example.com")),
                    (SessionResult s, Throwable e, long nanos) -> counts.merge(e == null ? s.answer().host() : "failed: " + e, 1, Integer::sum))
                    .get(2, TimeUnit.MINUTES);
            assertThat(counts.keySet()).as("every session answered").containsOnly("heavy.internal", "light.internal");
            // 1:3 weights; a 400-sample binomial stays well inside these bounds.
            assertThat(counts.get("heavy.internal")).isBetween(255, 345);
            assertThat(counts.get("light.internal")).isBetween(55, 145);
        }
    }

    @Test
    void routingFailuresAreDisconnectsInTheClientsLanguage() throws Exception {
        String noDefault = ROUTES.substring(0, ROUTES.indexOf("  default:"));
        try (TestRouter r = TestRouter.start(noDefault)) {
            ServerAnswer noRoute = r.run(r.request("nowhere.example.org")
                    .withFields(ConnectFields.defaults().withLanguage("de-DE"))).answer();
            assertThat(noRoute.kind()).isEqualTo(ServerAnswer.Kind.DISCONNECT);
            assertThat(noRoute.reason()).isEqualTo("Der Server ist aktuell nicht verfügbar.");
            ServerAnswer full = r.run(r.request("full.example.com").withFields(ConnectFields.defaults().withLanguage("de-DE"))).answer();
            assertThat(full.reason()).isEqualTo("Der Server ist gerade voll oder startet neu. Bitte versuche es gleich erneut.");
            ServerAnswer english = r.run(r.request("full.example.com").withLayout(ConnectView.Layout.V1)
                    .withFields(ConnectFields.defaults().withProtocolHash("ab".repeat(32)).withLanguage("ja-JP"))).answer();
            assertThat(english.reason()).isEqualTo("The server is full or restarting. Please try again in a moment.");
        }
    }

    @Test
    void signedEnvelopeVerifiesWithTheSecretAndCarriesPluginContent() throws Exception {
        String yaml = ROUTES + "referral: {key_id: 4, hmac_secret: \"base64:c2VjcmV0LWtleQ==\"}\n"
                + "plugins:\n  - {name: content, type: wasm, stage: mutate, wasm: {path: unused.wasm}}\n";
        TestPlugin content = TestPlugin.answering("content", q -> ConnectResponse.EMPTY.withReferralContent(("hello " + q.event().username()).getBytes()));
        try (TestRouter r = TestRouter.start(yaml, Map.of("content", content))) {
            ServerAnswer a = r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("steve"))).answer();
            ReferralEnvelope env = EnvelopeVerifier.withKeys(Map.of(4, HmacSecret.parse("secret-key"))).verify(a.data());
            assertThat(new String(env.content())).isEqualTo("hello steve");
            assertThatThrownBy(() -> EnvelopeVerifier.withSecret(HmacSecret.parse("wrong")).verify(a.data()))
                    .hasMessageContaining("signature");
        }
    }

    @Test
    void v1AndV2ClientsAndPluginDeny() throws Exception {
        String yaml = ROUTES + "plugins:\n  - {name: deny, type: wasm, stage: deny, wasm: {path: unused.wasm}}\n";
        TestPlugin deny = TestPlugin.denyUsername("deny", "deny", "denied by test plugin");
        try (TestRouter r = TestRouter.start(yaml, Map.of("deny", deny))) {
            ConnectFields denied = ConnectFields.defaults().withUsername("deny").withProtocolHash("ab".repeat(32));
            for (ConnectView.Layout layout : ConnectView.Layout.values()) {
                ServerAnswer a = r.run(r.request("play.example.com").withLayout(layout).withFields(denied)).answer();
                assertThat(a.reason()).as(layout.name()).isEqualTo("denied by test plugin");
                ServerAnswer ok = r.run(r.request("play.example.com").withLayout(layout)
                        .withFields(denied.withUsername("alex"))).answer();
                assertThat(ok.isReferral()).as(layout.name()).isTrue();
            }
            assertThat(deny.requests()).extracting(q -> q.event().protocolHash()).contains("ab".repeat(32));
            assertThat(deny.requests()).extracting(q -> q.event().sni()).containsOnly("play.example.com");
        }
    }

    @Test
    void alpnHytaleVersionsAreAcceptedAndOthersRefused() throws Exception {
        try (TestRouter r = TestRouter.start(ROUTES)) {
            assertThat(r.run(r.request("play.example.com").withAlpn(List.of("hytale/1"))).alpn()).isEqualTo("hytale/1");
            assertThat(r.run(r.request("play.example.com").withAlpn(List.of("hytale/1", "hytale/2"))).alpn()).isEqualTo("hytale/2");
            assertThat(r.run(r.request("play.example.com").withAlpn(List.of("hytale/2"))).alpn()).isEqualTo("hytale/2");
            assertHandshakeRefused(r, r.request("play.example.com").withAlpn(List.of("h3")));
        }
        try (TestRouter strict = TestRouter.start("tls: {alpn: [hytale/1]}\n" + ROUTES)) {
            assertThat(strict.run(strict.request("play.example.com").withAlpn(List.of("hytale/1", "hytale/2"))).alpn())
                    .isEqualTo("hytale/1");
            assertHandshakeRefused(strict, strict.request("play.example.com").withAlpn(List.of("hytale/2")));
        }
    }

    /** The handshake itself fails (not a timeout, not a stream error) and no connection is counted. */
    private static void assertHandshakeRefused(TestRouter r, ClientRequest request) {
        long before = r.server.stats().connectionsOpened();
        assertThatThrownBy(() -> r.run(request)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class).hasMessageContaining("QUIC handshake with").hasMessageContaining("failed");
        assertThat(r.server.stats().connectionsOpened()).isEqualTo(before);
    }

    @Test
    void clientCertificateFingerprintReachesPlugins() throws Exception {
        String yaml = ROUTES + "plugins:\n  - {name: seen, type: wasm, wasm: {path: unused.wasm}}\n";
        TestPlugin seen = TestPlugin.answering("seen", q -> ConnectResponse.EMPTY);
        // A fixed certificate (src/test/resources/tls/client.crt) and its fingerprint, computed apart:
        // openssl x509 -in client.crt -outform DER | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='
        X509Certificate cert = Pem.certificate("/tls/client.crt");
        PrivateKey key = Pem.ecPrivateKey("/tls/client.key");
        try (TestRouter r = TestRouter.start(yaml, Map.of("seen", seen))) {
            r.run(r.request("play.example.com").withClientCertificate(key, cert));
            r.run(r.request("play.example.com"));
            assertThat(seen.requests().get(0).event().clientCertFingerprint()).isEqualTo("kqsHpI5PZwUhssHT1LILXXhjub3M6nDXW-4a776VEbs");
            assertThat(seen.requests().get(1).event().clientCertFingerprint()).isEmpty();
        }
    }

    @Test
    void withoutTheCertificateRequestNoClientSendsOne() throws Exception {
        String yaml = "tls: {client_certificates: \"off\"}\n" + ROUTES + "plugins:\n  - {name: seen, type: wasm, wasm: {path: unused.wasm}}\n";
        TestPlugin seen = TestPlugin.answering("seen", q -> ConnectResponse.EMPTY);
        try (TestRouter r = TestRouter.start(yaml, Map.of("seen", seen))) {
            // TLS 1.3 forbids a client certificate the server did not ask for: the client keeps it.
            assertThat(r.run(r.request("play.example.com").withClientCertificate(Pem.ecPrivateKey("/tls/client.key"),
                    Pem.certificate("/tls/client.crt"))).answer().host()).isEqualTo("a.internal");
            assertThat(seen.requests().get(0).event().clientCertFingerprint()).isEmpty();
        }
    }

    @Test
    void undecodableConnectIsAnsweredByRoutingOnSni() throws Exception {
        byte[] frame = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(4).writeIntLE(0).writeBytes(new byte[] {1, 2, 3, 4}));
        try (TestRouter r = TestRouter.start(ROUTES)) {
            assertThat(r.run(r.request("play.example.com").withRawBytes(frame)).answer().host()).isEqualTo("a.internal");
            assertThat(r.server.stats().undecodableConnects()).isEqualTo(1);
        }
    }

    @Test
    void packetsBeforeConnectAreIgnored() throws Exception {
        byte[] ping = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(0).writeIntLE(2));
        io.netty.buffer.ByteBuf connect = dev.hyrouter.codec.ConnectEncoder.encodeFrame(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT,
                ConnectView.Layout.V2, ConnectFields.defaults());
        byte[] both = new byte[ping.length + connect.readableBytes()];
        System.arraycopy(ping, 0, both, 0, ping.length);
        connect.readBytes(both, ping.length, connect.readableBytes());
        connect.release();
        try (TestRouter r = TestRouter.start(ROUTES)) {
            assertThat(r.run(r.request("play.example.com").withRawBytes(both)).answer().isReferral()).isTrue();
            assertThat(r.server.stats().undecodableConnects()).isZero();
        }
    }

    @Test
    void aStreamThatStallsInsideItsConnectIsDisconnectedAfterTheDeadline() throws Exception {
        byte[] partial = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(100).writeIntLE(0).writeBytes(new byte[10]));
        try (TestRouter r = TestRouter.start(withConnectTimeout("500ms"))) {
            SessionResult s = r.run(r.request("play.example.com").withRawBytes(partial));
            // The router's deadline answered, not the client's own (30 s): a Disconnect with the reason,
            // and not before the configured 500 ms.
            assertThat(s.answer().reason()).isEqualTo("Timed out waiting for the Connect packet.");
            assertThat(s.responseNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
            assertThat(r.server.stats().connectTimeouts()).isEqualTo(1);
            r.assertNothingLeaks();
        }
    }

    @Test
    void aClientThatNeverSendsIsClosedByTheRouterAfterItsDeadline() throws Exception {
        // A stream that carried no byte does not exist for QUIC; the connection's own deadline
        // (connect_timeout + 1 s) closes it, and the client sees its stream end unanswered.
        try (TestRouter r = TestRouter.start(withConnectTimeout("300ms"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> r.run(r.request("play.example.com").withSilence())).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class).hasMessage("stream closed without an answer");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1300));
            assertThat(r.server.stats().silentConnectionsClosed()).isEqualTo(1);
            r.assertNothingLeaks();
            assertThat(r.server.stats().connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void oversizedFrameClosesTheStreamWithADisconnect() throws Exception {
        byte[] header = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(10 * 1024 * 1024).writeIntLE(0).writeBytes(new byte[512]));
        try (TestRouter r = TestRouter.start(ROUTES)) {
            assertThat(r.run(r.request("play.example.com").withRawBytes(header)).answer().reason()).isEqualTo("Packet too large.");
            assertThat(r.server.stats().oversizedFrames()).isEqualTo(1);
            r.assertNothingLeaks();
        }
    }

    @Test
    void manySequentialAndConcurrentSessionsLeakNothing() throws Exception {
        try (TestRouter r = TestRouter.start(ROUTES)) {
            for (int i = 0; i < 500; i++) {
                assertThat(r.run("play.example.com").answer().isReferral()).isTrue();
            }
            // 64 concurrent at a time (a burst of hundreds on a busy machine is shed by design).
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger referred = new java.util.concurrent.atomic.AtomicInteger();
            java.util.Queue<String> failed = new java.util.concurrent.ConcurrentLinkedQueue<>();
            dev.hyrouter.client.ClosedLoop.run(200, 64,
                    () -> r.client.run(r.request(next.getAndIncrement() % 2 == 0 ? "play.example.com" : "full.example.com")),
                    (SessionResult s, Throwable e, long nanos) -> {
                        if (e != null) {
                            failed.add(e.toString());
                        } else if (s.answer().isReferral()) {
                            referred.incrementAndGet();
                        }
                    }).get(2, TimeUnit.MINUTES);
            assertThat(failed).as("every session answered").isEmpty();
            int referrals = referred.get();
            assertThat(referrals).isEqualTo(100);
            r.assertNothingLeaks();
            assertThat(r.server.stats().connectionsOpened()).isEqualTo(700);
            assertThat(r.server.stats().referrals() + r.server.stats().disconnects()).isEqualTo(700);
            assertThat(r.server.latency().cumulative().getTotalCount()).isEqualTo(700);
        }
    }
}
