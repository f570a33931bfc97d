package dev.hyrouter.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code health_checks} (ours; the Go original has none): active checks of each backend, as the
 * top-level default and as a pool's override. Off by default, so a file written for the original
 * behaves as it did there.
 *
 * @param enabled            whether the pool's backends are checked and unhealthy ones leave its candidates
 * @param probe              what a check is (see {@link Probe})
 * @param interval           time between two checks of one backend (default 5 s)
 * @param timeout            a check that has not succeeded by then failed (default 2 s)
 * @param healthyThreshold   consecutive successes that bring an unhealthy backend back (default 2)
 * @param unhealthyThreshold consecutive failures that eject a healthy backend (default 3)
 * @param jitter             each check is delayed by a random 0..jitter more, so that replicas started
 *                           together do not check in step (default 1 s)
 * @param alpn               protocols a handshake check offers; empty = the router's own {@code tls.alpn}
 * @param whenAllUnhealthy   what a pool does when no healthy candidate is left after its fallbacks
 * @param maxInFlight        checks running at once, across every backend (top level only; default 64)
 */
public record HealthCheckConfig(boolean enabled, Probe probe, Duration interval, Duration timeout, int healthyThreshold,
        int unhealthyThreshold, Duration jitter, List<String> alpn, AllUnhealthy whenAllUnhealthy, int maxInFlight) {

    /** What one check does. */
    public enum Probe {
        /**
         * A QUIC handshake with the backend, as a client's first step, closed as soon as it
         * completes without opening a stream: proves the server's QUIC and TLS stack answer.
         * Costs the backend one handshake (a certificate signature unless the check resumes).
         */
        HANDSHAKE,
        /**
         * One 1,200-byte QUIC Initial of an unknown version: a QUIC server answers it with a Version
         * Negotiation packet and keeps no state. For backends that refuse handshakes from unknown
         * clients; proves only that a QUIC endpoint listens.
         */
        VERSION;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A pool with no healthy backend left. */
    public enum AllUnhealthy {
        /** Refer anyway among the unhealthy (never drained) backends: a check can be wrong, a refusal is certain. */
        PANIC,
        /** Answer {@code no_backends}. */
        NO_BACKENDS;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final HealthCheckConfig DEFAULTS = new HealthCheckConfig(false, Probe.HANDSHAKE, Duration.ofSeconds(5),
            Duration.ofSeconds(2), 2, 3, Duration.ofSeconds(1), List.of(), AllUnhealthy.PANIC, 64);

    /** The longest a backend that stopped answering keeps receiving players: {@code unhealthy_threshold x (interval + jitter) + timeout}. */
    public Duration ejectionBound() {
        return interval.plus(jitter).multipliedBy(unhealthyThreshold).plus(timeout);
    }
}
