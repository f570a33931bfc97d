package dev.hyrouter.messages;

import dev.hyrouter.config.DisconnectTexts;
import dev.hyrouter.config.MessagesConfig;
import dev.hyrouter.routing.RoutingErrorKind;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Disconnect reasons for routing failures, in the client's language: the client's tag with
 * {@code _} read as {@code -} is matched case-insensitively, first whole ({@code pt-BR}), then its
 * base ({@code pt}); a locale overrides only the messages it sets. Templates take {@code ${sni}}
 * and {@code ${error}}.
 *
 * <p>Everything is merged and compiled at start-up; immutable and thread safe. A template
 * without placeholders returns the same String every time.
 */
public final class DisconnectMessages {
    private final Set base;
    private final Map<String, Set> byTag = new HashMap<>();

    public DisconnectMessages(MessagesConfig config) {
        DisconnectTexts b = config.disconnect();
        this.base = new Set(b);
        for (Map.Entry<String, DisconnectTexts> e : config.disconnectLocales().entrySet()) {
            String tag = e.getKey().trim().toLowerCase(Locale.ROOT);
            // First of several tags equal but for case wins (the original's pick is unspecified).
            byTag.putIfAbsent(tag, new Set(merge(b, e.getValue())));
        }
    }

    private static DisconnectTexts merge(DisconnectTexts base, DisconnectTexts locale) {
        return new DisconnectTexts(
                pick(locale.noRoute(), base.noRoute()),
                pick(locale.noBackends(), base.noBackends()),
                pick(locale.routingError(), base.routingError()),
                pick(locale.discoveryError(), base.discoveryError()),
                pick(locale.pluginUnavailable(), base.pluginUnavailable()));
    }

    private static String pick(String override, String base) {
        return override != null && !override.trim().isEmpty() ? override : base;
    }

    /**
     * The reason for a routing failure.
     *
     * @param language the client's language tag as sent ({@code ""} when unknown)
     * @param error    the error text for {@code ${error}} ({@code null} for no route)
     */
    public String reason(RoutingErrorKind kind, String language, String sni, String error) {
        Set set = forLanguage(language);
        MessageTemplate t;
        switch (kind) {
            case NO_ROUTE:
                return set.noRoute.render(sni, "");
            case NO_BACKENDS:
                t = set.noBackends;
                break;
            case DISCOVERY:
                t = set.discoveryError;
                break;
            default:
                t = set.routingError;
                break;
        }
        return t.render(sni, error == null ? "" : error);
    }

    /**
     * The answer when a plugin with {@code failure_mode: closed} could not decide
     * ({@code messages.disconnect.plugin_unavailable}); {@code ${error}} is what went wrong
     * in a word (error, timeout, circuit_open, refused), never the plugin's own text.
     */
    public String pluginUnavailable(String language, String sni, String failureKind) {
        return forLanguage(language).pluginUnavailable.render(sni, failureKind == null ? "" : failureKind);
    }

    private Set forLanguage(String language) {
        if (language == null || byTag.isEmpty()) {
            return base;
        }
        String lang = language.trim();
        if (lang.isEmpty()) {
            return base;
        }
        lang = lang.replace('_', '-').toLowerCase(Locale.ROOT);
        Set s = byTag.get(lang);
        if (s == null) {
            int dash = lang.indexOf('-');
            if (dash >= 0) {
                s = byTag.get(lang.substring(0, dash));
            }
        }
        return s == null ? base : s;
    }

    private static final class Set {
        final MessageTemplate noRoute;
        final MessageTemplate noBackends;
        final MessageTemplate routingError;
        final MessageTemplate discoveryError;
        final MessageTemplate pluginUnavailable;

        Set(DisconnectTexts t) {
            noRoute = MessageTemplate.compile(t.noRoute(), "no route");
            noBackends = MessageTemplate.compile(t.noBackends(), "no backends");
            routingError = MessageTemplate.compile(t.routingError(), "routing error");
            discoveryError = MessageTemplate.compile(t.discoveryError(), "discovery error");
            pluginUnavailable = MessageTemplate.compile(t.pluginUnavailable(),
                    "Joining is not possible right now. Please try again in a moment.");
        }
    }
}
