package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.testing.Fixtures;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fixture dev config ({@code fixtures/configs/dev.yaml}) served over real QUIC, only the port moved. */
class DevConfigTest {
    @Test
    void devConfigServesReferralsAndTranslatedDisconnects() throws Exception {
        String text = Fixtures.config("dev.yaml");
        assertThat(text).contains("listen: \":5520\"");
        RouterConfig config = ConfigLoader.parse(text.replace("listen: \":5520\"", "listen: \"127.0.0.1:0\""), "dev.yaml", false);
        try (RouterServer server = RouterServer.start(config); HytaleClient client = HytaleClient.create(1)) {
            ServerAnswer referral = ask(client, server, "play.example.com", "pt_BR");
            assertThat(referral.isReferral()).isTrue();
            assertThat(referral.host()).isEqualTo("hub.example.net");
            assertThat(referral.port()).isEqualTo(5520);

            // full.example.com's filter needs counters its backend lacks: no backends, in the client's language.
            assertThat(ask(client, server, "full.example.com", "pt_BR").reason())
                    .isEqualTo("Todos os servidores de full.example.com estão lotados. Tente de novo em breve.");
            assertThat(ask(client, server, "full.example.com", "pt_PT").reason())
                    .isEqualTo("Todos os servidores de full.example.com estão ocupados. Tenta de novo em breve.");
            assertThat(ask(client, server, "full.example.com", "de").reason())
                    .isEqualTo("Alle Server für full.example.com sind belegt. Versuch es gleich noch einmal.");
            assertThat(ask(client, server, "full.example.com", "en_US").reason())
                    .isEqualTo("Every server for full.example.com is busy. Try again shortly.");
        }
    }

    private static ServerAnswer ask(HytaleClient client, RouterServer server, String sni, String language) throws Exception {
        ServerAnswer a = client.run(ClientRequest.to(server.address(), sni).withFields(ConnectFields.defaults().withLanguage(language)))
                .get(10, TimeUnit.SECONDS).answer();
        if (!sni.equals("play.example.com")) {
            assertThat(a.isReferral()).as("answer for " + sni).isFalse();
        }
        return a;
    }
}
