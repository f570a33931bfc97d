package dev.hyrouter.codec;

/** UUID text form as the protocol shows it: lowercase 8-4-4-4-12 hex. */
public final class Uuids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Uuids() {
    }

    public static String format(long msb, long lsb) {
        char[] out = new char[36];
        int p = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                out[p++] = '-';
            }
            long word = i < 8 ? msb : lsb;
            int b = (int) (word >>> (56 - 8 * (i & 7))) & 0xFF;
            out[p++] = HEX[b >>> 4];
            out[p++] = HEX[b & 0xF];
        }
        return new String(out);
    }
}
