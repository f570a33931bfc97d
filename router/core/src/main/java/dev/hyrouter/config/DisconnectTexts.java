package dev.hyrouter.config;

/**
 * The four disconnect message templates. In a locale, {@code null} or blank means "not set,
 * use the base message".
 */
public record DisconnectTexts(String noRoute, String noBackends, String routingError, String discoveryError) {
}
