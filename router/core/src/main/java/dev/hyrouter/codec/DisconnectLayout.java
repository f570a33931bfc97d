package dev.hyrouter.codec;

/** Disconnect payload: {@code u8 nullBits | u8 type | [string reason]}. */
public final class DisconnectLayout {
    public static final int NULL_BITS_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int REASON_OFFSET = 2;
    public static final int NULL_BIT_REASON = 0x01;
    public static final int TYPE_DISCONNECT = 0;
    public static final int TYPE_CRASH = 1;
    /** The original's cap on a reason's byte length. */
    public static final int MAX_REASON = 4_096_000;

    private DisconnectLayout() {
    }
}
