package dev.hyrouter.plugin;

/**
 * What plugins learn of a connection ({@code event} in the JSON model). The identity token is
 * never included, only whether one was present. Immutable.
 */
public record ConnectEvent(
        String sni,
        String clientCertFingerprint,
        String protocolHash,
        int clientType,
        String uuid,
        String username,
        String language,
        boolean identityTokenPresent) {
}
