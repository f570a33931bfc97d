package dev.hyrouter.codec;

/**
 * ClientReferral payload: {@code u8 nullBits | i32 hostOffset | i32 dataOffset} then a variable
 * block holding {@code HostAddress(u16 port, string host)} and {@code VarInt length + data}.
 */
public final class ClientReferralLayout {
    public static final int NULL_BITS_OFFSET = 0;
    public static final int HOST_OFFSET_OFFSET = 1;
    public static final int DATA_OFFSET_OFFSET = 5;
    public static final int VARIABLE_BLOCK_OFFSET = 9;
    public static final int NULL_BIT_HOST = 0x01;
    public static final int NULL_BIT_DATA = 0x02;
    public static final int MAX_DATA = 4096;

    private ClientReferralLayout() {
    }
}
