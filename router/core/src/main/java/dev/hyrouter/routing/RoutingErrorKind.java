package dev.hyrouter.routing;

/**
 * Why routing produced no backend; each kind has its own disconnect message
 * ({@code messages.disconnect.*}).
 */
public enum RoutingErrorKind {
    /** No route matched and there is no default pool ({@code no_route}). */
    NO_ROUTE,
    /** A route matched but no candidate survived filters and fallbacks ({@code no_backends}). */
    NO_BACKENDS,
    /** A discovery provider failed or is not available ({@code discovery_error}). */
    DISCOVERY,
    /** Anything else ({@code routing_error}). */
    ROUTING
}
