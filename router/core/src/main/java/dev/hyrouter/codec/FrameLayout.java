package dev.hyrouter.codec;

/**
 * The frame header every Hytale packet carries in both directions:
 * {@code u32 payload_len | u32 packet_id | payload[payload_len]}, little-endian.
 */
public final class FrameLayout {
    public static final int LENGTH_OFFSET = 0;
    public static final int PACKET_ID_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;

    /** The protocol's absolute maximum payload; a router caps far below it. */
    public static final long PROTOCOL_MAX_PAYLOAD = 1_677_721_600L;

    /** Default cap on a buffered payload: a Connect is a few KiB at most. */
    public static final int DEFAULT_MAX_PAYLOAD = 64 * 1024;

    private FrameLayout() {
    }
}
