package dev.hyrouter.server.quic;

import dev.hyrouter.util.LogText;
import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.routing.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the intake says about a connection: the access-log entry of its outcome (SNI, decision,
 * route, backend or reason; the client address only while {@code logging.log_client_ip} is
 * on; never an identity token or a secret), through the process's {@link AccessLog}; and rare
 * debug lines (packets, stream errors), logged directly.
 */
final class OutcomeLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter.outcome");
    static final AccessLog ACCESS = new AccessLog(AccessLog.DEFAULT_CAPACITY, LOG);

    private OutcomeLog() {
    }

    private static String client(ConnectionHandler c, boolean logClientIp) {
        return logClientIp ? c.clientText() : "";
    }

    static void referral(ConnectionHandler c, boolean ip, int route, Backend b, int contentLength) {
        if (ACCESS.enabled()) {
            ACCESS.referral(c.sni(), b.host(), b.port(), route, contentLength, client(c, ip));
        }
    }

    static void disconnect(ConnectionHandler c, boolean ip, int route, OutcomeKind kind, String reason) {
        if (ACCESS.enabled()) {
            ACCESS.disconnect(c.sni(), route, kind, reason, client(c, ip));
        }
    }

    static void refused(ConnectionHandler c, boolean ip, String why) {
        if (ACCESS.enabled()) {
            ACCESS.refused(c.sni(), why, client(c, ip));
        }
    }

    static void undecodable(ConnectionHandler c, boolean ip, int payloadLength, dev.hyrouter.codec.ConnectView.Undecodable why) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("undecodable Connect of {} bytes ({}, sni={}); routing on the SNI alone, plugins asked with connect_undecodable{}",
                    payloadLength, why == null ? "unknown" : why.label(), LogText.client(c.sni()),
                    ip ? " client=" + c.clientText() : "");
        }
    }

    static void packet(ConnectionHandler c, boolean ip, int packetId, int payloadLength) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("rx packet sni={} id={} ({}) payload_bytes={}{}", LogText.client(c.sni()), packetId, dev.hyrouter.codec.PacketIds.name(packetId),
                    payloadLength, ip ? " client=" + c.clientText() : "");
        }
    }

    static void streamError(ConnectionHandler c, boolean ip, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("stream error sni={}: {}{}", LogText.client(c.sni()), cause.toString(), ip ? " client=" + c.clientText() : "");
        }
    }
}
