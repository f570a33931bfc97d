package dev.hyrouter.plugin;

/**
 * A plugin call stopped at its deadline by the runtime itself (an inline WASM call interrupted
 * by its watchdog); the chain counts and logs it as a timeout, like one it abandoned.
 */
public final class PluginTimeoutException extends RuntimeException {
    public PluginTimeoutException(String message) {
        super(message, null, false, false);
    }
}
