package dev.hyrouter.codec;

/** String and byte-array limits of the Hytale protocol shared by both Connect layouts. */
public final class ConnectLimits {
    public static final int MAX_USERNAME = 16;
    public static final int MAX_IDENTITY_TOKEN = 8192;
    public static final int MAX_REFERRAL_DATA = 4096;
    public static final int MAX_HOST = 256;

    private ConnectLimits() {
    }
}
