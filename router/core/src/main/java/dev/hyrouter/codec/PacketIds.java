package dev.hyrouter.codec;

/** Hytale packet ids the router knows. */
public final class PacketIds {
    public static final int CONNECT = 0;
    public static final int DISCONNECT = 1;
    public static final int PING = 2;
    public static final int PONG = 3;
    public static final int CONNECT_ACCEPT = 14;
    public static final int CLIENT_REFERRAL = 18;

    private PacketIds() {
    }

    /** A name for logs. */
    public static String name(int packetId) {
        switch (packetId) {
            case CONNECT:
                return "Connect";
            case DISCONNECT:
                return "Disconnect";
            case PING:
                return "Ping";
            case PONG:
                return "Pong";
            case CONNECT_ACCEPT:
                return "ConnectAccept";
            case CLIENT_REFERRAL:
                return "ClientReferral";
            default:
                return "unknown";
        }
    }
}
