package dev.hyrouter.routing;

/** A discovery provider could not answer. */
public final class DiscoveryException extends Exception {
    public DiscoveryException(String message) {
        super(message, null, false, false);
    }
}
