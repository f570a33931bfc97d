package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.testing.TestPlugin;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that sends a Connect on a second stream of the same connection gets one decision, not two. */
class OneDecisionPerConnectionTest {
    private static final String CONFIG = """
            routing:
              default: {strategy: round_robin, backends: [{host: a.internal, port: 1}, {host: b.internal, port: 2}]}
            plugins:
              - {name: seen, type: wasm, wasm: {path: unused.wasm}}
            """;

    /** Opens a bidirectional stream on {@code client}'s connection, sends a Connect and waits for the first answer frame. */
    private static ServerAnswer connectOnNewStream(RawQuicClient client) throws Exception {
        RawQuicClient.Stream s = client.open();
        s.write(RawQuicClient.connectFrame());
        return s.answer.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aSecondConnectOnTheSameConnectionIsRefusedWithoutADecision() throws Exception {
        TestPlugin seen = TestPlugin.answering("seen", q -> ConnectResponse.EMPTY);
        try (TestRouter r = TestRouter.start(CONFIG, Map.of("seen", seen)); RawQuicClient client = new RawQuicClient(r.server.address())) {
            ServerAnswer first = connectOnNewStream(client);
            ServerAnswer second = connectOnNewStream(client);
            assertThat(first.isReferral()).isTrue();
            assertThat(first.host()).isEqualTo("a.internal");
            assertThat(second.isReferral()).isFalse();
            assertThat(second.reason()).isEqualTo("Only one Connect per connection.");
            // One decision: one plugin call, one referral, the round robin moved once.
            assertThat(seen.requests()).hasSize(1);
            assertThat(r.server.stats().extraConnects()).isEqualTo(1);
            assertThat(r.server.stats().connectsReceived()).isEqualTo(2);
            assertThat(r.run("play.example.com").answer().host()).isEqualTo("b.internal");
            client.close();
            r.assertNothingLeaks();
        }
    }
}
