package dev.hyrouter.pipeline;

import dev.hyrouter.routing.Backend;

/**
 * Receives the one answer of a decision. Called exactly once per decision: on the calling thread
 * when no plugin runs, otherwise on whichever thread completed the last plugin call, so a
 * transport must hop back to its own thread before writing.
 */
public interface OutcomeSink {
    /**
     * Refer the client.
     *
     * @param content    referral content for the envelope, {@code null} when empty; fits the envelope
     * @param routeIndex matched route, -1 for the default pool or none
     */
    void referral(Backend backend, byte[] content, int routeIndex);

    /** Disconnect the client with {@code reason} (may be empty). */
    void disconnect(OutcomeKind kind, String reason, int routeIndex);
}
