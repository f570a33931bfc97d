package dev.hyrouter.envelope;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * An HMAC key as written in configuration ({@code referral.hmac_secret}): a raw UTF-8 string,
 * {@code base64:<standard padded base64>} or {@code hex:<hex digits>}; surrounding white space
 * is ignored, the prefixes are case-insensitive.
 *
 * <p>{@link #toString()} never shows the key, so an instance can sit in a log statement or an
 * exception message without leaking it. Immutable.
 */
public final class HmacSecret {
    private static final String BASE64_PREFIX = "base64:";
    private static final String HEX_PREFIX = "hex:";

    private final byte[] key;

    private HmacSecret(byte[] key) {
        this.key = key;
    }

    /** Wraps raw key bytes (copied). */
    public static HmacSecret ofBytes(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("HMAC secret must not be empty");
        }
        return new HmacSecret(key.clone());
    }

    /**
     * Parses the configuration form.
     *
     * @throws IllegalArgumentException naming the rule broken (never echoing the secret)
     */
    public static HmacSecret parse(String text) {
        if (text == null || text.trim().isEmpty()) {
            throw new IllegalArgumentException("HMAC secret must not be empty");
        }
        String s = text.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        byte[] key;
        if (lower.startsWith(BASE64_PREFIX)) {
            try {
                key = Base64.getDecoder().decode(s.substring(BASE64_PREFIX.length()).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("HMAC secret with prefix 'base64:' is not valid standard (padded) base64");
            }
        } else if (lower.startsWith(HEX_PREFIX)) {
            key = decodeHex(s.substring(HEX_PREFIX.length()).trim());
        } else {
            key = s.getBytes(StandardCharsets.UTF_8);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("HMAC secret decodes to zero bytes");
        }
        return new HmacSecret(key);
    }

    private static byte[] decodeHex(String hex) {
        if ((hex.length() & 1) != 0) {
            throw new IllegalArgumentException("HMAC secret with prefix 'hex:' has an odd number of digits");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("HMAC secret with prefix 'hex:' contains a character that is not a hex digit");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** A copy of the key bytes. */
    public byte[] keyBytes() {
        return key.clone();
    }

    byte[] keyRef() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HmacSecret && java.security.MessageDigest.isEqual(key, ((HmacSecret) o).key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "HmacSecret[" + key.length + " bytes, redacted]";
    }
}
