package dev.hyrouter.routing;

/** A compiled pool filter; a backend stays a candidate only if every filter passes. Immutable. */
public interface CandidateFilter {
    boolean passes(RoutingRequest request, Backend backend, long nowMillis);
}
