package dev.hyrouter.config;

import java.util.List;

/**
 * {@code tls}: PEM certificate and key (both or neither; neither = a generated self-signed
 * certificate), the ALPN list ({@code hytale/*} = any {@code hytale/<n>}, highest wins) and the
 * session ticket key files (ours; empty = the TLS library's own key, per process).
 *
 * @param sessionTicketKeys files of {@link TicketKeyFile}s: the first seals new tickets, all of
 *                          them open tickets; the same list on every replica lets a client resume
 *                          on any of them. A reload reads them again (rotation).
 * @param requestClientCertificate ask every client for a certificate (the protocol's rule);
 *                          without the request no client sends one, so plugins and
 *                          the access log see an empty fingerprint. The request costs a Netty-based
 *                          client one more datagram per session (perf-reports/dataplane).
 */
public record TlsConfig(String certFile, String keyFile, List<String> alpn, List<String> sessionTicketKeys,
        boolean requestClientCertificate) {
    public TlsConfig(String certFile, String keyFile, List<String> alpn) {
        this(certFile, keyFile, alpn, List.of(), true);
    }

    public boolean hasCertificate() {
        return !certFile.isEmpty();
    }

    /** The settings a reload cannot change (the ticket keys it can). */
    public TlsConfig withoutTicketKeys() {
        return new TlsConfig(certFile, keyFile, alpn, List.of(), requestClientCertificate);
    }

    /**
     * The settings a reload cannot change: all but the ticket keys and which certificate files are
     * read (a reload reads them again, and may name others; from a generated certificate to files,
     * or back, still needs a restart).
     */
    public TlsConfig restartOnly() {
        return new TlsConfig(hasCertificate() ? "files" : "", hasCertificate() ? "files" : "", alpn, List.of(), requestClientCertificate);
    }
}
