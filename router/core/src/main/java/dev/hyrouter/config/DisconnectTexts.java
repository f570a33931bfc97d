package dev.hyrouter.config;

/**
 * The disconnect message templates. In a locale, {@code null} or blank means "not set, use the
 * base message".
 *
 * @param pluginUnavailable our addition: the answer when a plugin with {@code failure_mode: closed}
 *                          fails, times out, has its circuit open or refuses the call
 */
public record DisconnectTexts(String noRoute, String noBackends, String routingError, String discoveryError,
        String pluginUnavailable) {

    /** The original's four messages, without ours. */
    public DisconnectTexts(String noRoute, String noBackends, String routingError, String discoveryError) {
        this(noRoute, noBackends, routingError, discoveryError, null);
    }
}
