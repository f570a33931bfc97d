package dev.hyrouter.server.tls;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the configured ALPN list into the server's preference list. The entry {@code hytale/*}
 * means "any {@code hytale/<n>} the client offers, preferring the highest n": it expands, in
 * place, to {@code hytale/}{@value #MAX_HYTALE_VERSION} down to {@code hytale/1}, and the TLS
 * stack picks the first of the server's list that the client offers. A client offering none of
 * the list (e.g. only {@code h3}) fails the handshake, because QUIC requires ALPN.
 */
public final class AlpnProtocols {
    /** The highest protocol version the wildcard covers; current clients offer hytale/2. */
    public static final int MAX_HYTALE_VERSION = 64;
    public static final String WILDCARD = "hytale/*";

    private AlpnProtocols() {
    }

    public static List<String> expand(List<String> configured) {
        Set<String> out = new LinkedHashSet<>();
        for (String entry : configured) {
            String e = entry.trim();
            if (e.equals(WILDCARD)) {
                for (int n = MAX_HYTALE_VERSION; n >= 1; n--) {
                    out.add("hytale/" + n);
                }
            } else if (!e.isEmpty()) {
                out.add(e);
            }
        }
        return new ArrayList<>(out);
    }
}
