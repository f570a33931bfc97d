package dev.hyrouter.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.ClientRequest.Handshake;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.server.Pem;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.TestPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS session resumption over real QUIC on loopback: a client that keeps no tickets always pays a
 * full handshake; one that keeps them resumes, its client certificate still seen by plugins;
 * replicas given the same {@code tls.session_ticket_keys} resume each other's sessions; a reload
 * rotates the keys; and a 0-RTT client is answered like any other.
 */
class SessionResumptionTest {
    private static final String ROUTING = TestRouter.ONE_BACKEND;

    @TempDir
    Path dir;

    private Path key(String name, int seed) throws Exception {
        byte[] k = new byte[48];
        Arrays.fill(k, (byte) seed);
        return Files.write(dir.resolve(name), k);
    }

    private static List<SessionResult> sessions(TestRouter client, ClientRequest request, int count) throws Exception {
        List<SessionResult> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SessionResult s = client.run(request);
            assertThat(s.answer().isReferral()).as("session %d answered with a referral", i).isTrue();
            out.add(s);
        }
        return out;
    }

    @Test
    void aClientWithoutTicketsPaysFullHandshakesAndOneWithTicketsResumes() throws Exception {
        try (TestRouter r = TestRouter.start(ROUTING)) {
            List<SessionResult> full = sessions(r, r.request("play.example.com"), 3);
            assertThat(full).noneMatch(SessionResult::resumed);
            assertThat(r.server.stats().handshakesResumed()).isZero();

            // The first has no ticket yet; each later one resumes with the ticket its predecessor got
            // (the router's tickets arrive before its answer, so the next session always has one).
            List<SessionResult> resuming = sessions(r, r.request("play.example.com").withHandshake(Handshake.RESUME), 4);
            assertThat(resuming.get(0).resumed()).isFalse();
            assertThat(resuming.subList(1, 4)).allMatch(SessionResult::resumed);
            assertThat(r.server.stats().handshakesResumed()).isEqualTo(3);
            r.assertNothingLeaks();
        }
    }

    @Test
    void replicasSharingTicketKeysResumeEachOthersSessionsAndOthersFallBackToAFullHandshake() throws Exception {
        Path shared = key("shared.key", 1);
        Path other = key("other.key", 2);
        String sharedTls = "tls: {session_ticket_keys: [\"" + shared + "\"]}\n";
        try (TestRouter a = TestRouter.start(sharedTls + ROUTING);
                TestRouter b = TestRouter.start(sharedTls + ROUTING);
                TestRouter c = TestRouter.start("tls: {session_ticket_keys: [\"" + other + "\"]}\n" + ROUTING)) {
            // One client for all three, keeping its tickets per server name (as a player returning to a network).
            ClientRequest toA = a.request("play.example.com").withHandshake(Handshake.RESUME);
            assertThat(a.run(toA).resumed()).isFalse();
            SessionResult onB = a.run(ClientRequest.to(b.server.address(), "play.example.com").withHandshake(Handshake.RESUME));
            assertThat(onB.resumed()).as("a ticket sealed by replica A opens on replica B").isTrue();
            assertThat(b.server.stats().handshakesResumed()).isEqualTo(1);

            SessionResult onC = a.run(ClientRequest.to(c.server.address(), "play.example.com").withHandshake(Handshake.RESUME));
            assertThat(onC.answer().isReferral()).isTrue();
            assertThat(onC.resumed()).as("another key: a full handshake, still answered").isFalse();
            assertThat(c.server.stats().handshakesResumed()).isZero();
            assertThat(c.server.stats().handshakesFailed()).isZero();
        }
    }

    @Test
    void aReloadRotatesTheKeysAndTicketsOfADroppedKeyNoLongerResume() throws Exception {
        key("k1.key", 1);
        key("k2.key", 2);
        key("k3.key", 3);
        Path config = dir.resolve("hyrouter.yaml");
        String listen = "listen: \"127.0.0.1:0\"\n";
        Files.writeString(config, listen + "tls: {session_ticket_keys: [k1.key]}\n" + ROUTING);
        try (TestRouter r = TestRouter.startConfigFile(Files.readString(config), config.toString())) {
            ClientRequest request = r.request("play.example.com").withHandshake(Handshake.RESUME);
            assertThat(r.run(request).resumed()).isFalse(); // the client now holds a ticket sealed with k1

            // Step 1 of a rotation: the new key first (it seals), the old one still opens.
            Files.writeString(config, listen + "tls: {session_ticket_keys: [k2.key, k1.key]}\n" + ROUTING);
            assertThat(r.server.reload().ok()).isTrue();
            assertThat(r.run(request).resumed()).as("a k1 ticket after k2 took over").isTrue(); // and got a k2 ticket

            // Step 2: the old key goes.
            Files.writeString(config, listen + "tls: {session_ticket_keys: [k2.key]}\n" + ROUTING);
            assertThat(r.server.reload().ok()).isTrue();
            assertThat(r.run(request).resumed()).as("a k2 ticket").isTrue();

            // A key replaced outright: tickets of the old one fall back to a full handshake.
            Files.writeString(config, listen + "tls: {session_ticket_keys: [k3.key]}\n" + ROUTING);
            assertThat(r.server.reload().ok()).isTrue();
            SessionResult afterSwap = r.run(request);
            assertThat(afterSwap.answer().isReferral()).isTrue();
            assertThat(afterSwap.resumed()).isFalse();
        }
    }

    @Test
    void aResumedSessionStillShowsPluginsTheClientCertificateFingerprint() throws Exception {
        X509Certificate cert = Pem.certificate("/tls/client.crt");
        PrivateKey key = Pem.ecPrivateKey("/tls/client.key");
        for (Handshake mode : new Handshake[] {Handshake.RESUME, Handshake.EARLY_DATA}) {
            TestPlugin seen = TestPlugin.answering("seen", q -> ConnectResponse.EMPTY);
            String yaml = "quic: {early_data: true}\n" + ROUTING + "plugins:\n  - {name: seen, type: wasm, wasm: {path: unused.wasm}}\n";
            try (TestRouter r = TestRouter.start(yaml, Map.of("seen", seen))) {
                ClientRequest request = r.request("play.example.com").withClientCertificate(key, cert).withHandshake(mode);
                List<SessionResult> s = sessions(r, request, 3);
                assertThat(s.subList(1, 3)).as(mode.name()).allMatch(SessionResult::resumed);
                // The certificate travels in the ticket: a resumed session is the same client as the full one.
                assertThat(seen.requests()).hasSize(3)
                        .allMatch(q -> q.event().clientCertFingerprint().equals("kqsHpI5PZwUhssHT1LILXXhjub3M6nDXW-4a776VEbs"));
            }
        }
        // And a resumed session of a client without a certificate still has none.
        TestPlugin seen = TestPlugin.answering("seen", q -> ConnectResponse.EMPTY);
        try (TestRouter r = TestRouter.start(ROUTING + "plugins:\n  - {name: seen, type: wasm, wasm: {path: unused.wasm}}\n",
                Map.of("seen", seen))) {
            List<SessionResult> s = sessions(r, r.request("play.example.com").withHandshake(Handshake.RESUME), 3);
            assertThat(s.subList(1, 3)).allMatch(SessionResult::resumed);
            assertThat(seen.requests()).hasSize(3).allMatch(q -> q.event().clientCertFingerprint().isEmpty());
        }
    }

    @Test
    void earlyDataClientsAreAnsweredWhetherTheRouterAcceptsEarlyDataOrNot() throws Exception {
        for (boolean early : new boolean[] {true, false}) {
            try (TestRouter r = TestRouter.start("quic: {early_data: " + early + "}\n" + ROUTING)) {
                List<SessionResult> s = sessions(r, r.request("play.example.com").withHandshake(Handshake.EARLY_DATA), 3);
                assertThat(s.get(0).earlyData()).as("no ticket yet: no 0-RTT").isFalse();
                assertThat(s.subList(1, 3)).allMatch(SessionResult::resumed);
                // A ticket allows 0-RTT only when the router that sealed it accepts early data (the client's
                // flag: 0-RTT offered, not sent).
                assertThat(s.subList(1, 3)).allMatch(x -> x.earlyData() == early);
                // The server side: no Connect was read before its handshake completed. Netty's client offers
                // 0-RTT but sends its stream after the handshake (its qlog shows no 0-RTT packet); a client
                // that does send 0-RTT is EarlyDataTest's.
                assertThat(r.server.stats().earlyConnects()).as("Connects the router read as early data").isZero();
                assertThat(r.server.stats().earlyConnectsAbandoned()).isZero();
                r.assertNothingLeaks();
            }
        }
    }
}
