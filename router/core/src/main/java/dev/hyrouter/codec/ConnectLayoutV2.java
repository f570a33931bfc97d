package dev.hyrouter.codec;

/** Byte layout of a Connect payload, layout V2 (fixed block of 66 bytes). */
public final class ConnectLayoutV2 {
    public static final int NULL_BITS_OFFSET = 0;
    public static final int PROTOCOL_CRC_OFFSET = 1;
    public static final int BUILD_NUMBER_OFFSET = 5;
    public static final int CLIENT_VERSION_OFFSET = 9;
    public static final int CLIENT_VERSION_LENGTH = 20;
    public static final int CLIENT_TYPE_OFFSET = 29;
    public static final int UUID_MSB_OFFSET = 30;
    public static final int UUID_LSB_OFFSET = 38;
    public static final int USERNAME_OFFSET_OFFSET = 46;
    public static final int IDENTITY_TOKEN_OFFSET_OFFSET = 50;
    public static final int LANGUAGE_OFFSET_OFFSET = 54;
    public static final int REFERRAL_DATA_OFFSET_OFFSET = 58;
    public static final int REFERRAL_SOURCE_OFFSET_OFFSET = 62;
    public static final int VARIABLE_BLOCK_OFFSET = 66;

    public static final int NULL_BIT_IDENTITY_TOKEN = 0x01;
    public static final int NULL_BIT_REFERRAL_DATA = 0x02;
    public static final int NULL_BIT_REFERRAL_SOURCE = 0x04;

    public static final int MAX_LANGUAGE = 16;

    private ConnectLayoutV2() {
    }
}
