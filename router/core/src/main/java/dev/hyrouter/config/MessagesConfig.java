package dev.hyrouter.config;

import java.util.Map;

/** {@code messages}: base disconnect templates and per-locale overrides (tag → texts). */
public record MessagesConfig(DisconnectTexts disconnect, Map<String, DisconnectTexts> disconnectLocales) {
}
