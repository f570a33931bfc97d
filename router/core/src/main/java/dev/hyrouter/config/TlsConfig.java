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
 */
public record TlsConfig(String certFile, String keyFile, List<String> alpn, List<String> sessionTicketKeys) {
    public TlsConfig(String certFile, String keyFile, List<String> alpn) {
        this(certFile, keyFile, alpn, List.of());
    }

    public boolean hasCertificate() {
        return !certFile.isEmpty();
    }

    /** The settings a reload cannot change (the ticket keys it can). */
    public TlsConfig withoutTicketKeys() {
        return new TlsConfig(certFile, keyFile, alpn, List.of());
    }
}
