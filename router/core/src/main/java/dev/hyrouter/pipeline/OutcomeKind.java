package dev.hyrouter.pipeline;

/** How a decision ended. */
public enum OutcomeKind {
    /** A ClientReferral to a backend. */
    REFERRAL,
    /** A plugin denied the connection. */
    DENIED,
    /** A plugin was overloaded; the connection was shed with the routing-error message. */
    SHED,
    /** No route matched and there is no default pool. */
    NO_ROUTE,
    /** A pool had no usable backend. */
    NO_BACKENDS,
    /** Discovery failed. */
    DISCOVERY_ERROR,
    /** Any other routing failure, including a plugin-chosen backend that cannot be encoded. */
    ROUTING_ERROR,
    /** A plugin with {@code failure_mode: closed} failed, timed out, had its circuit open or refused the call. */
    PLUGIN_UNAVAILABLE;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** The lower-case name logs and metrics use ({@code no_route}, {@code denied}, ...). */
    public String label() {
        return label;
    }
}
