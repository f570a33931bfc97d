package dev.hyrouter.plugin;

/** How a plugin call failed to decide; a metric label and the {@code ${error}} of the plugin_unavailable message. */
public enum FailureKind {
    /** The call failed: an exception, a transport error, an answer that does not parse. */
    ERROR,
    /** No answer within the plugin's timeout. */
    TIMEOUT,
    /** The runtime refused the call without trying: an open circuit breaker. */
    CIRCUIT_OPEN,
    /** The runtime refused the call because its queue was full (the connection is shed in either mode). */
    REFUSED;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
        return label;
    }
}
