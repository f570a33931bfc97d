package dev.hyrouter.config;

import java.util.List;

/**
 * {@code tls}: PEM certificate and key (both or neither; neither = a generated self-signed
 * certificate) and the ALPN list ({@code hytale/*} = any {@code hytale/<n>}, highest wins).
 */
public record TlsConfig(String certFile, String keyFile, List<String> alpn) {
    public boolean hasCertificate() {
        return !certFile.isEmpty();
    }
}
