package dev.hyrouter.messages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.MessagesConfig;
import dev.hyrouter.routing.RoutingErrorKind;
import org.junit.jupiter.api.Test;

class DisconnectMessagesTest {
    private static DisconnectMessages messages(String yaml) throws Exception {
        MessagesConfig m = ConfigLoader.parse(yaml, "m.yaml", false).messages();
        return new DisconnectMessages(m);
    }

    @Test
    void builtInLocalesByWholeTagThenBase() throws Exception {
        DisconnectMessages m = messages("");
        assertThat(m.reason(RoutingErrorKind.NO_ROUTE, "de-DE", "x", null)).isEqualTo("Der Server ist aktuell nicht verfügbar.");
        assertThat(m.reason(RoutingErrorKind.NO_BACKENDS, "pt_BR", "x", "no backends"))
                .isEqualTo("O servidor está cheio ou reiniciando. Tente novamente em instantes.");
        assertThat(m.reason(RoutingErrorKind.NO_ROUTE, "PT-br", "x", null)).isEqualTo("O servidor está indisponível no momento.");
        assertThat(m.reason(RoutingErrorKind.NO_ROUTE, "pt-PT", "x", null)).isEqualTo("O servidor não está disponível no momento.");
        assertThat(m.reason(RoutingErrorKind.NO_ROUTE, "ja-JP", "x", null)).isEqualTo("The server is currently unavailable.");
        assertThat(m.reason(RoutingErrorKind.NO_ROUTE, "", "x", null)).isEqualTo("The server is currently unavailable.");
        assertThat(m.reason(RoutingErrorKind.DISCOVERY, "fr", "x", "e"))
                .isEqualTo("Le serveur cherche une instance disponible. Réessaie dans un instant.");
        assertThat(m.reason(RoutingErrorKind.ROUTING, "it_IT", "x", "e")).isEqualTo("Il server non è raggiungibile al momento. Riprova più tardi.");
    }

    @Test
    void localeOverridesOnlyWhatItSetsAndTemplatesExpand() throws Exception {
        DisconnectMessages m = messages("messages:\n  disconnect:\n    no_route: \"No route for ${sni}\"\n"
                + "    no_backends: \"Full (${error}) on ${sni}\"\n"
                + "  disconnect_locales:\n    nl:\n      no_backends: \"Vol: ${error}\"\n      no_route: \"  \"\n");
        assertThat(m.reason(RoutingErrorKind.NO_ROUTE, "nl-NL", "play.example.com", null)).isEqualTo("No route for play.example.com");
        assertThat(m.reason(RoutingErrorKind.NO_BACKENDS, "nl", "s", "no backends")).isEqualTo("Vol: no backends");
        assertThat(m.reason(RoutingErrorKind.NO_BACKENDS, "en", "s", "no backends")).isEqualTo("Full (no backends) on s");
        // The built-in translations are off once the config sets its own locales.
        assertThat(m.reason(RoutingErrorKind.ROUTING, "de", "s", "e")).isEqualTo("The server is currently unreachable. Please try again later.");
    }

    @Test
    void blankBaseMessageFallsBackToAFixedWord() throws Exception {
        DisconnectMessages m = messages("messages:\n  disconnect:\n    no_route: \"\"\n  disconnect_locales: {}\n");
        assertThat(m.reason(RoutingErrorKind.NO_ROUTE, "de", "s", null)).isEqualTo("no route");
    }

    @Test
    void templateWithoutPlaceholdersIsShared() {
        MessageTemplate t = MessageTemplate.compile("Fixed", "x");
        assertThat(t.render("a", "b")).isSameAs(t.render("c", "d"));
        assertThat(MessageTemplate.compile("${sni}${sni}-${error}", "x").render("a", "b")).isEqualTo("aa-b");
    }
}
