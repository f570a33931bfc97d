package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.config.ConfigLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void referral() throws Exception {
        String yaml = "listen: \"127.0.0.1:0\"\nquic: {event_loops: 2}\nrouting:\n  default:\n    strategy: round_robin\n    backends: [{host: play.hyvane.com, port: 5520}]\n";
        try (RouterServer server = RouterServer.start(ConfigLoader.parse(yaml, "t.yaml", false));
             HytaleClient client = HytaleClient.create(1)) {
            SessionResult r = client.run(ClientRequest.to(server.address(), "play.example.com")).get(10, TimeUnit.SECONDS);
            System.out.println(r + " " + r.answer());
            assertThat(r.answer().host()).isEqualTo("play.hyvane.com");
            System.out.println(server.stats());
        }
    }
}
