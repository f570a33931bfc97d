package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.testing.SharedFixtures;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The original's dev/config.dev.yaml runs as-is (only the port is moved to an ephemeral one). */
class DevConfigTest {
    @Test
    void originalDevConfigServesReferralsAndTranslatedDisconnects() throws Exception {
        String text = Files.readString(SharedFixtures.compatDir().resolve("config.dev.yaml"));
        assertThat(text).contains("listen: \":5520\"");
        RouterConfig config = ConfigLoader.parse(text.replace("listen: \":5520\"", "listen: \"127.0.0.1:0\""), "config.dev.yaml", false);
        try (RouterServer server = RouterServer.start(config); HytaleClient client = HytaleClient.create(1)) {
            ServerAnswer a = client.run(dev.hyrouter.client.ClientRequest.to(server.address(), "play.example.com")
                    .withFields(ConnectFields.defaults().withLanguage("pt_BR"))).get(10, TimeUnit.SECONDS).answer();
            assertThat(a.host()).isEqualTo("play.hyvane.com");
            assertThat(a.port()).isEqualTo(5520);
        }
    }
}
