package dev.hyrouter.plugin;

/**
 * A plugin runtime refused a call without trying it, because it knows the plugin cannot answer
 * now (an open circuit breaker). The chain counts it apart from errors; with
 * {@code failure_mode: closed} it refuses the connection like any other failure.
 */
public final class PluginUnavailableException extends RuntimeException {
    public PluginUnavailableException(String message) {
        super(message, null, false, false);
    }
}
