package dev.hyrouter.envelope;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds referral envelopes, signing them when a secret is configured.
 *
 * <p>Not thread safe: it keeps one {@link Mac} and a scratch buffer. Give each thread (event
 * loop) its own instance, for example through {@link #copy()}.
 */
public final class EnvelopeSigner {
    private static final String HMAC_SHA256 = "HmacSHA256";

    private final byte keyId;
    private final HmacSecret secret;
    private final Mac mac;
    private final byte[] macScratch = new byte[EnvelopeLayout.MAC_LENGTH];

    /**
     * @param keyId  written into every envelope (config {@code referral.key_id})
     * @param secret the HMAC key, or {@code null} for unsigned envelopes
     */
    public EnvelopeSigner(int keyId, HmacSecret secret) {
        if (keyId < 0 || keyId > 255) {
            throw new IllegalArgumentException("key_id must be between 0 and 255, got " + keyId);
        }
        this.keyId = (byte) keyId;
        this.secret = secret;
        this.mac = secret == null ? null : newMac(secret);
    }

    private static Mac newMac(HmacSecret secret) {
        try {
            Mac m = Mac.getInstance(HMAC_SHA256);
            m.init(new SecretKeySpec(secret.keyRef(), HMAC_SHA256));
            return m;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** A fresh signer with the same key and key id, for another thread. */
    public EnvelopeSigner copy() {
        return new EnvelopeSigner(keyId & 0xFF, secret);
    }

    public boolean signed() {
        return mac != null;
    }

    public int keyId() {
        return keyId & 0xFF;
    }

    /** Largest content this signer can carry. */
    public int maxContentLength() {
        return EnvelopeLayout.maxContentLength(signed());
    }

    /** Envelope length for {@code contentLength} content bytes. */
    public int envelopeLength(int contentLength) {
        return EnvelopeLayout.envelopeLength(contentLength, signed());
    }

    /** The flags byte this signer writes. */
    public byte flags() {
        return signed() ? EnvelopeLayout.FLAG_SIGNED_HMAC_SHA256 : 0;
    }

    /**
     * Encodes an envelope into a new array.
     *
     * @throws IllegalArgumentException when the content does not fit
     */
    public byte[] encode(byte[] content) {
        int len = content == null ? 0 : content.length;
        checkContentLength(len);
        byte[] out = new byte[envelopeLength(len)];
        ByteBuffer buf = ByteBuffer.wrap(out);
        writeHeader(buf, len);
        if (len > 0) {
            buf.put(content);
        }
        if (signed()) {
            ByteBuffer region = ByteBuffer.wrap(out, 0, EnvelopeLayout.HEADER_LENGTH + len);
            writeMac(region, out, EnvelopeLayout.HEADER_LENGTH + len);
        }
        return out;
    }

    /** Throws when {@code len} content bytes cannot be carried. */
    public void checkContentLength(int len) {
        if (len > maxContentLength()) {
            throw new IllegalArgumentException("referral content of " + len + " bytes exceeds the envelope limit of "
                    + maxContentLength() + " bytes (" + EnvelopeLayout.MAX_ENVELOPE_LENGTH + " bytes in all)");
        }
    }

    /** Writes the 9 header bytes at the buffer's position (little-endian content length). */
    public void writeHeader(ByteBuffer dst, int contentLength) {
        dst.put(EnvelopeLayout.MAGIC);
        dst.put(EnvelopeLayout.VERSION_1);
        dst.put(flags());
        dst.put(keyId);
        dst.put((byte) contentLength);
        dst.put((byte) (contentLength >>> 8));
    }

    /**
     * Computes the MAC of {@code signedRegion} (position to limit, consumed) into this signer's
     * scratch array and returns it; valid until the next call. Lets callers write the MAC
     * straight into a direct buffer without an intermediate envelope array.
     */
    public byte[] mac(ByteBuffer signedRegion) {
        if (mac == null) {
            throw new IllegalStateException("envelope signer has no secret");
        }
        mac.update(signedRegion);
        try {
            mac.doFinal(macScratch, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return macScratch;
    }

    private void writeMac(ByteBuffer region, byte[] out, int offset) {
        byte[] m = mac(region);
        System.arraycopy(m, 0, out, offset, EnvelopeLayout.MAC_LENGTH);
    }

    @Override
    public String toString() {
        return "EnvelopeSigner[keyId=" + keyId() + ", signed=" + signed() + "]";
    }

    static Mac macFor(byte[] key) throws GeneralSecurityException {
        Mac m = Mac.getInstance(HMAC_SHA256);
        m.init(new SecretKeySpec(key, HMAC_SHA256));
        return m;
    }
}
