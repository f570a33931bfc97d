package dev.hyrouter.envelope;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) over two reusable {@link MessageDigest}s. Unlike {@code javax.crypto.Mac},
 * whose {@code doFinal} allocates the inner hash and copies direct buffers to the heap, it
 * allocates nothing per MAC, which keeps signing off the garbage collector's books on the hot
 * path. Not thread safe: one per thread.
 */
final class HmacSha256 {
    static final int BLOCK = 64;
    static final int LENGTH = 32;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] innerHash = new byte[LENGTH];

    HmacSha256(byte[] key) {
        inner = sha256();
        outer = sha256();
        byte[] k = key.length > BLOCK ? sha256().digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** Writes the 32-byte MAC of {@code data[off, off+len)} at {@code out[outOff]}. */
    void mac(byte[] data, int off, int len, byte[] out, int outOff) {
        try {
            inner.reset();
            inner.update(innerPad);
            inner.update(data, off, len);
            inner.digest(innerHash, 0, LENGTH);
            outer.reset();
            outer.update(outerPad);
            outer.update(innerHash);
            outer.digest(out, outOff, LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(innerHash, (byte) 0);
        }
    }
}
