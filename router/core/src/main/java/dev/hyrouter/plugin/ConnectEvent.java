package dev.hyrouter.plugin;

/**
 * What plugins learn of a connection ({@code event} in the JSON model). The identity token is
 * never included, only whether one was present. Immutable.
 *
 * @param connectUndecodable the client's Connect could not be decoded: every field that would
 *                           come from it is empty, and only what the router knows for certain
 *                           (SNI, client certificate) is set. Our addition to the original's
 *                           model ({@code "connect_undecodable": true}, omitted when false), so
 *                           that a deny plugin still decides for a client that sends bytes the
 *                           codec cannot read; a plugin that ignores it sees a client with no
 *                           username.
 */
public record ConnectEvent(
        String sni,
        String clientCertFingerprint,
        String protocolHash,
        int clientType,
        String uuid,
        String username,
        String language,
        boolean identityTokenPresent,
        boolean connectUndecodable) {

    /** An event for a decoded Connect. */
    public ConnectEvent(String sni, String clientCertFingerprint, String protocolHash, int clientType, String uuid,
            String username, String language, boolean identityTokenPresent) {
        this(sni, clientCertFingerprint, protocolHash, clientType, uuid, username, language, identityTokenPresent, false);
    }

    /** An event for a Connect that could not be decoded: what the TLS handshake established, nothing else. */
    public static ConnectEvent undecodable(String sni, String clientCertFingerprint) {
        return new ConnectEvent(sni, clientCertFingerprint, "", 0, "", "", "", false, true);
    }
}
