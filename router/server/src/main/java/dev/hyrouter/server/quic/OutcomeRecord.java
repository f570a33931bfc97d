package dev.hyrouter.server.quic;

/**
 * Layout of the outcome records event loops write into the access-log ring buffer:
 * {@code i64 epochMillis | i32 route | i32 port | i32 contentBytes | i32 kind} then
 * length-prefixed strings {@code sni} (ASCII), {@code host or detail} (ASCII for hosts, UTF-8
 * for reasons) and {@code client} (ASCII, empty unless client addresses are logged).
 */
final class OutcomeRecord {
    static final int REFERRAL = 1;
    static final int DISCONNECT = 2;
    static final int REFUSED = 3;

    static final int TIME_OFFSET = 0;
    static final int ROUTE_OFFSET = 8;
    static final int PORT_OFFSET = 12;
    static final int CONTENT_BYTES_OFFSET = 16;
    static final int KIND_OFFSET = 20;
    static final int STRINGS_OFFSET = 24;
    static final int LENGTH_PREFIX = 4;

    private OutcomeRecord() {
    }

    /** Upper bound of a record's length for its strings (UTF-8 takes at most 3 bytes per char). */
    static int maxLength(String sni, String text, String client) {
        return STRINGS_OFFSET + 3 * LENGTH_PREFIX + sni.length() + 3 * text.length() + client.length();
    }
}
