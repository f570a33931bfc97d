package dev.hyrouter.server.quic;

import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.routing.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One info line per connection outcome, speaking to an operator: SNI, decision, route, backend
 * or reason; the client address only while {@code logging.log_client_ip} is on. Never an
 * identity token or a secret.
 */
final class OutcomeLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter.outcome");

    private OutcomeLog() {
    }

    private static String client(ConnectionHandler c, boolean logClientIp) {
        return logClientIp ? " client=" + c.remote() : "";
    }

    static void referral(ConnectionHandler c, boolean ip, int route, Backend b, int contentLength) {
        if (LOG.isInfoEnabled()) {
            LOG.info("referral sni={} route={} backend={}:{} content_bytes={}{}", c.sni(), routeName(route), b.host(), b.port(),
                    contentLength, client(c, ip));
        }
    }

    static void disconnect(ConnectionHandler c, boolean ip, int route, OutcomeKind kind, String reason) {
        if (LOG.isInfoEnabled()) {
            LOG.info("disconnect sni={} decision={} route={} reason=\"{}\"{}", c.sni(), kind.name().toLowerCase(java.util.Locale.ROOT),
                    route < 0 ? "-" : Integer.toString(route), reason, client(c, ip));
        }
    }

    static void refused(ConnectionHandler c, boolean ip, String why) {
        if (LOG.isInfoEnabled()) {
            LOG.info("disconnect sni={} decision=invalid_stream detail=\"{}\"{}", c.sni(), why, client(c, ip));
        }
    }

    static void undecodable(ConnectionHandler c, boolean ip, int payloadLength) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("undecodable Connect of {} bytes (sni={}); routing on the SNI alone, plugins skipped{}", payloadLength, c.sni(),
                    client(c, ip));
        }
    }

    static void packet(ConnectionHandler c, boolean ip, int packetId, int payloadLength) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("rx packet sni={} id={} ({}) payload_bytes={}{}", c.sni(), packetId, dev.hyrouter.codec.PacketIds.name(packetId),
                    payloadLength, client(c, ip));
        }
    }

    static void streamError(ConnectionHandler c, boolean ip, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("stream error sni={}: {}{}", c.sni(), cause.toString(), client(c, ip));
        }
    }

    private static String routeName(int route) {
        return route < 0 ? "default" : Integer.toString(route);
    }
}
