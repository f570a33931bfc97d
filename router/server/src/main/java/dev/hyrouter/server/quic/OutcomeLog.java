package dev.hyrouter.server.quic;

import dev.hyrouter.util.LogText;
import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.routing.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the intake says about a connection: the access-log entry of its outcome (SNI, decision,
 * route, backend or reason; the client address only while {@code logging.log_client_ip} is
 * on; never an identity token or a secret), through its intake's {@link AccessLog}; and rare
 * debug lines (packets, stream errors), logged directly.
 */
final class OutcomeLog {
    static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter.outcome");
    /** For a context that logs no outcome (the start-up warm-up's). */
    static final OutcomeLog NONE = new OutcomeLog(null);

    /** The intake's access log, or {@code null} for {@link #NONE}. */
    private final AccessLog access;

    OutcomeLog(AccessLog access) {
        this.access = access;
    }

    /**
     * A log that takes the same path as this one and keeps nothing: over a twin of its access log
     * that is on exactly when this one is and discards what it formats (for the start-up warm-up,
     * {@link IntakeContext.Warmup}). {@link #close} it when done.
     */
    OutcomeLog discardingTwin() {
        return access == null ? this : new OutcomeLog(access.discardingTwin());
    }

    /** Ends a twin's access log (a no-op for {@link #NONE}, which has none). */
    void close() throws InterruptedException {
        if (access != null) {
            access.close(1_000);
        }
    }

    private static String client(ConnectionHandler c, boolean logClientIp) {
        return logClientIp ? c.clientText() : "";
    }

    void referral(ConnectionHandler c, boolean ip, int route, Backend b, int contentLength) {
        if (access != null && access.enabled()) {
            access.referral(c.sni(), b.host(), b.port(), route, contentLength, client(c, ip));
        }
    }

    void disconnect(ConnectionHandler c, boolean ip, int route, OutcomeKind kind, String reason) {
        if (access != null && access.enabled()) {
            access.disconnect(c.sni(), route, kind, reason, client(c, ip));
        }
    }

    void refused(ConnectionHandler c, boolean ip, String why) {
        if (access != null && access.enabled()) {
            access.refused(c.sni(), why, client(c, ip));
        }
    }

    void undecodable(ConnectionHandler c, boolean ip, int payloadLength, dev.hyrouter.codec.ConnectView.Undecodable why) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("undecodable Connect of {} bytes ({}, sni={}); routing on the SNI alone, plugins asked with connect_undecodable{}",
                    payloadLength, why == null ? "unknown" : why.label(), LogText.client(c.sni()),
                    ip ? " client=" + c.clientText() : "");
        }
    }

    void packet(ConnectionHandler c, boolean ip, int packetId, int payloadLength) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("rx packet sni={} id={} ({}) payload_bytes={}{}", LogText.client(c.sni()), packetId, dev.hyrouter.codec.PacketIds.name(packetId),
                    payloadLength, ip ? " client=" + c.clientText() : "");
        }
    }

    void streamError(ConnectionHandler c, boolean ip, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("stream error sni={}: {}{}", LogText.client(c.sni()), cause.toString(), ip ? " client=" + c.clientText() : "");
        }
    }
}
