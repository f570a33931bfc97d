package dev.hyrouter.codec;

/** Byte layout of a Connect payload, layout V1 (fixed block of 102 bytes). */
public final class ConnectLayoutV1 {
    public static final int NULL_BITS_OFFSET = 0;
    public static final int PROTOCOL_HASH_OFFSET = 1;
    public static final int PROTOCOL_HASH_LENGTH = 64;
    public static final int CLIENT_TYPE_OFFSET = 65;
    public static final int UUID_MSB_OFFSET = 66;
    public static final int UUID_LSB_OFFSET = 74;
    public static final int LANGUAGE_OFFSET_OFFSET = 82;
    public static final int IDENTITY_TOKEN_OFFSET_OFFSET = 86;
    public static final int USERNAME_OFFSET_OFFSET = 90;
    public static final int REFERRAL_DATA_OFFSET_OFFSET = 94;
    public static final int REFERRAL_SOURCE_OFFSET_OFFSET = 98;
    public static final int VARIABLE_BLOCK_OFFSET = 102;

    public static final int NULL_BIT_LANGUAGE = 0x01;
    public static final int NULL_BIT_IDENTITY_TOKEN = 0x02;
    public static final int NULL_BIT_REFERRAL_DATA = 0x04;
    public static final int NULL_BIT_REFERRAL_SOURCE = 0x08;

    public static final int MAX_LANGUAGE = 128;

    private ConnectLayoutV1() {
    }
}
