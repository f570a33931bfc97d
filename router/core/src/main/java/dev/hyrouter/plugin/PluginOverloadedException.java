package dev.hyrouter.plugin;

/**
 * A plugin refused a call because its bounded queue is full. The chain does not skip such a
 * plugin (a skipped deny plugin would let everyone in under load): the connection is shed with a
 * Disconnect instead.
 */
public final class PluginOverloadedException extends RuntimeException {
    public PluginOverloadedException(String message) {
        super(message, null, false, false);
    }
}
