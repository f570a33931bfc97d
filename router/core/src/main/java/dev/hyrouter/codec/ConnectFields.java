package dev.hyrouter.codec;

import java.util.UUID;

/**
 * What a client puts in a Connect, for encoding one ({@link ConnectEncoder}); used by the
 * Hytale client library, the probe, tests and load tests. Immutable; build with the
 * {@code with*} methods.
 */
public final class ConnectFields {
    private final String protocolHash;
    private final int clientType;
    private final UUID uuid;
    private final String username;
    private final String language;
    private final byte[] identityToken;
    private final byte[] referralData;
    private final String referralSourceHost;
    private final int referralSourcePort;
    private final int protocolCrc;
    private final int buildNumber;

    private ConnectFields(String protocolHash, int clientType, UUID uuid, String username, String language,
            byte[] identityToken, byte[] referralData, String referralSourceHost, int referralSourcePort,
            int protocolCrc, int buildNumber) {
        this.protocolHash = protocolHash;
        this.clientType = clientType;
        this.uuid = uuid;
        this.username = username;
        this.language = language;
        this.identityToken = identityToken;
        this.referralData = referralData;
        this.referralSourceHost = referralSourceHost;
        this.referralSourcePort = referralSourcePort;
        this.protocolCrc = protocolCrc;
        this.buildNumber = buildNumber;
    }

    /** Defaults: game client, a zero UUID, username {@code player}, language {@code en-US}. */
    public static ConnectFields defaults() {
        return new ConnectFields("", 0, new UUID(0, 0), "player", "en-US", null, null, null, 0, 0, 0);
    }

    public ConnectFields withProtocolHash(String v) {
        return new ConnectFields(v, clientType, uuid, username, language, identityToken, referralData, referralSourceHost, referralSourcePort, protocolCrc, buildNumber);
    }

    public ConnectFields withClientType(int v) {
        return new ConnectFields(protocolHash, v, uuid, username, language, identityToken, referralData, referralSourceHost, referralSourcePort, protocolCrc, buildNumber);
    }

    public ConnectFields withUuid(UUID v) {
        return new ConnectFields(protocolHash, clientType, v, username, language, identityToken, referralData, referralSourceHost, referralSourcePort, protocolCrc, buildNumber);
    }

    public ConnectFields withUsername(String v) {
        return new ConnectFields(protocolHash, clientType, uuid, v, language, identityToken, referralData, referralSourceHost, referralSourcePort, protocolCrc, buildNumber);
    }

    public ConnectFields withLanguage(String v) {
        return new ConnectFields(protocolHash, clientType, uuid, username, v, identityToken, referralData, referralSourceHost, referralSourcePort, protocolCrc, buildNumber);
    }

    public ConnectFields withIdentityToken(byte[] v) {
        return new ConnectFields(protocolHash, clientType, uuid, username, language, v, referralData, referralSourceHost, referralSourcePort, protocolCrc, buildNumber);
    }

    public ConnectFields withReferralData(byte[] v) {
        return new ConnectFields(protocolHash, clientType, uuid, username, language, identityToken, v, referralSourceHost, referralSourcePort, protocolCrc, buildNumber);
    }

    public ConnectFields withReferralSource(String host, int port) {
        return new ConnectFields(protocolHash, clientType, uuid, username, language, identityToken, referralData, host, port, protocolCrc, buildNumber);
    }

    public ConnectFields withProtocolCrc(int v) {
        return new ConnectFields(protocolHash, clientType, uuid, username, language, identityToken, referralData, referralSourceHost, referralSourcePort, v, buildNumber);
    }

    public ConnectFields withBuildNumber(int v) {
        return new ConnectFields(protocolHash, clientType, uuid, username, language, identityToken, referralData, referralSourceHost, referralSourcePort, protocolCrc, v);
    }

    public String protocolHash() {
        return protocolHash;
    }

    public int clientType() {
        return clientType;
    }

    public UUID uuid() {
        return uuid;
    }

    public String username() {
        return username;
    }

    public String language() {
        return language;
    }

    public byte[] identityToken() {
        return identityToken;
    }

    public byte[] referralData() {
        return referralData;
    }

    public String referralSourceHost() {
        return referralSourceHost;
    }

    public int referralSourcePort() {
        return referralSourcePort;
    }

    public int protocolCrc() {
        return protocolCrc;
    }

    public int buildNumber() {
        return buildNumber;
    }
}
