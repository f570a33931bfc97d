package dev.hyrouter.server.quic;

import dev.hyrouter.pipeline.OutcomeKind;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the QUIC intake, readable at any time (metrics, tests, shutdown report). Written
 * from the event loops with striped adders, so loops never contend on one cache line.
 */
public final class IntakeStats {
    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectionsClosed = new LongAdder();
    final LongAdder streamsOpened = new LongAdder();
    final LongAdder streamsClosed = new LongAdder();
    final LongAdder referrals = new LongAdder();
    /** Sessions of the router's own warm-up client: answered, never decided, logged or counted as answers. */
    final LongAdder warmupSessions = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    final LongAdder undecodableConnects = new LongAdder();
    final LongAdder connectTimeouts = new LongAdder();
    final LongAdder silentConnectionsClosed = new LongAdder();
    final LongAdder oversizedFrames = new LongAdder();
    final LongAdder incompleteStreams = new LongAdder();
    final LongAdder writeFailures = new LongAdder();
    final LongAdder retriesSent = new LongAdder();
    /** Writes handed to the kernel as one GSO batch ({@code quic.gso_segments}), and the datagrams in them. */
    final LongAdder gsoWrites = new LongAdder();
    final LongAdder gsoDatagrams = new LongAdder();
    final LongAdder invalidRetryTokens = new LongAdder();
    final LongAdder handshakesFailed = new LongAdder();
    final LongAdder connectsReceived = new LongAdder();
    final LongAdder refusedDraining = new LongAdder();
    final LongAdder extraConnects = new LongAdder();
    final LongAdder handshakesResumed = new LongAdder();
    final LongAdder earlyConnects = new LongAdder();
    final LongAdder earlyConnectsAbandoned = new LongAdder();
    /** New connections shed by InitialPeek before the QUIC codec saw their Initial (the cheap path). */
    final LongAdder shedAtDoor = new LongAdder();
    /** Refusals for a per-address limit answered by the door, before the QUIC codec. */
    final LongAdder refusedSourceAtDoor = new LongAdder();
    /** Connections refused at admission, indexed by {@link SourceLimits.Refusal#ordinal()}. */
    private final LongAdder[] refusedByLimit = new LongAdder[SourceLimits.Refusal.values().length];
    /** Decided Disconnects by kind (no_route, no_backends, denied, shed, ...), indexed by {@link OutcomeKind#ordinal()}. */
    private final LongAdder[] outcomes = new LongAdder[OutcomeKind.values().length];

    /** Undecodable Connects by {@link dev.hyrouter.codec.ConnectView.Undecodable#ordinal()}. */
    private final LongAdder[] undecodableBy = new LongAdder[dev.hyrouter.codec.ConnectView.Undecodable.values().length];

    IntakeStats() {
        for (int i = 0; i < undecodableBy.length; i++) {
            undecodableBy[i] = new LongAdder();
        }
        for (int i = 0; i < refusedByLimit.length; i++) {
            refusedByLimit[i] = new LongAdder();
        }
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new LongAdder();
        }
    }

    void undecodable(dev.hyrouter.codec.ConnectView.Undecodable why) {
        undecodableConnects.increment();
        undecodableBy[(why == null ? dev.hyrouter.codec.ConnectView.Undecodable.BAD_STRING_LENGTH : why).ordinal()].increment();
    }

    /** Undecodable Connects for one reason. */
    public long undecodableConnects(dev.hyrouter.codec.ConnectView.Undecodable why) {
        return undecodableBy[why.ordinal()].sum();
    }

    void outcome(OutcomeKind kind) {
        outcomes[kind.ordinal()].increment();
    }

    /** Disconnects the pipeline decided with {@code kind} (protocol Disconnects such as a timeout are counted on their own). */
    public long outcomes(OutcomeKind kind) {
        return outcomes[kind.ordinal()].sum();
    }

    /** New connections shed before the QUIC codec saw them (a subset of the handshake_queue_target refusals). */
    public long shedAtDoor() {
        return shedAtDoor.sum();
    }

    public long refusedSourceAtDoor() {
        return refusedSourceAtDoor.sum();
    }

    /** Connect packets received (decoded or not). */
    public long connectsReceived() {
        return connectsReceived.sum();
    }

    /** QUIC/TLS handshakes that failed (bad ALPN, TLS alerts, timeouts before the handshake completed). */
    public long handshakesFailed() {
        return handshakesFailed.sum();
    }

    void refused(SourceLimits.Refusal limit) {
        refusedByLimit[limit.ordinal()].increment();
    }

    /** Connections refused by the limit named {@code limitKey} ({@code max_connections}, {@code max_connections_per_ip},
     * {@code new_connections_per_ip}); 0 for an unknown name. */
    public long refusedByLimit(String limitKey) {
        for (SourceLimits.Refusal r : SourceLimits.Refusal.values()) {
            if (r.key.equals(limitKey)) {
                return refusedByLimit[r.ordinal()].sum();
            }
        }
        return 0;
    }

    /** The limit names {@link #refusedByLimit(String)} knows. */
    public static java.util.List<String> limitKeys() {
        return java.util.Arrays.stream(SourceLimits.Refusal.values()).map(r -> r.key).toList();
    }

    /** Connects refused because their connection already had its decision (a second stream). */
    public long extraConnects() {
        return extraConnects.sum();
    }

    /** Handshakes that completed by resuming a TLS session (a ticket): no certificate, no signature. */
    public long handshakesResumed() {
        return handshakesResumed.sum();
    }

    /** Connects read as 0-RTT early data (quic.early_data on), each held until its handshake completed. */
    public long earlyConnects() {
        return earlyConnects.sum();
    }

    /** Held early-data Connects whose connection closed before its handshake completed (a replay ends so). */
    public long earlyConnectsAbandoned() {
        return earlyConnectsAbandoned.sum();
    }

    /** Connections closed at once because the router was draining for shutdown. */
    public long refusedDraining() {
        return refusedDraining.sum();
    }

    /** Retry packets sent (address validation on). */
    public long retriesSent() {
        return retriesSent.sum();
    }

    /** Writes sent as one GSO batch of several datagrams to one peer ({@code quic.gso_segments} on and used). */
    public long gsoWrites() {
        return gsoWrites.sum();
    }

    /** Datagrams that left in GSO batches. */
    public long gsoDatagrams() {
        return gsoDatagrams.sum();
    }

    /** Retry tokens that failed their MAC check (forged or from another address). */
    public long invalidRetryTokens() {
        return invalidRetryTokens.sum();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    /** Connections currently open. */
    public long connectionsOpen() {
        return connectionsOpened.sum() - connectionsClosed.sum();
    }

    public long streamsOpened() {
        return streamsOpened.sum();
    }

    /** Streams (bidirectional and unidirectional) currently open. */
    public long streamsOpen() {
        return streamsOpened.sum() - streamsClosed.sum();
    }

    public long referrals() {
        return referrals.sum();
    }

    public long warmupSessions() {
        return warmupSessions.sum();
    }

    public long disconnects() {
        return disconnects.sum();
    }

    public long undecodableConnects() {
        return undecodableConnects.sum();
    }

    public long connectTimeouts() {
        return connectTimeouts.sum();
    }

    /** Connections closed because no stream delivered a Connect before the connection's deadline. */
    public long silentConnectionsClosed() {
        return silentConnectionsClosed.sum();
    }

    public long oversizedFrames() {
        return oversizedFrames.sum();
    }

    public long incompleteStreams() {
        return incompleteStreams.sum();
    }

    public long writeFailures() {
        return writeFailures.sum();
    }

    @Override
    public String toString() {
        return "connections open=" + connectionsOpen() + " total=" + connectionsOpened() + ", streams open=" + streamsOpen()
                + ", referrals=" + referrals() + ", disconnects=" + disconnects() + ", undecodable=" + undecodableConnects()
                + ", connect timeouts=" + connectTimeouts() + ", silent connections closed=" + silentConnectionsClosed() + ", oversized frames=" + oversizedFrames()
                + ", incomplete streams=" + incompleteStreams() + ", write failures=" + writeFailures()
                + (retriesSent() > 0 ? ", retries=" + retriesSent() + ", invalid retry tokens=" + invalidRetryTokens() : "");
    }
}
