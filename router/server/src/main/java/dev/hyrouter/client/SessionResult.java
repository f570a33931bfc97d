package dev.hyrouter.client;

import dev.hyrouter.codec.ServerAnswer;

/**
 * The outcome of one client session: the router's answer, the negotiated ALPN, and timings in
 * nanoseconds (QUIC+TLS handshake; first Connect byte written to answer received; whole session),
 * whether the handshake resumed a session, and whether the ticket let the client offer 0-RTT early
 * data ({@code earlyData}: Netty's client then opens its stream, but sends it only after the
 * handshake, in 1-RTT packets, as its qlog shows: it remembers no transport parameters); the
 * TLS session (the server's certificate chain: {@code tls().getPeerCertificates()}).
 */
public record SessionResult(ServerAnswer answer, String alpn, long handshakeNanos, long responseNanos, long totalNanos,
        boolean resumed, boolean earlyData, javax.net.ssl.SSLSession tls) {
}
