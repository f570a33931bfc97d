package dev.hyrouter.envelope;

/**
 * Builds referral envelopes, signing them with HMAC-SHA256 when a secret is configured.
 *
 * <p>Not thread safe: it keeps a MAC state and a scratch envelope. Give each thread (event loop)
 * its own instance, for example through {@link #copy()}. {@link #sign} allocates nothing.
 */
public final class EnvelopeSigner {
    private final byte keyId;
    private final HmacSecret secret;
    private final HmacSha256 hmac;
    private final byte[] scratch = new byte[EnvelopeLayout.MAX_ENVELOPE_LENGTH];

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
        this.hmac = secret == null ? null : new HmacSha256(secret.keyRef());
    }

    /** A fresh signer with the same key and key id, for another thread. */
    public EnvelopeSigner copy() {
        return new EnvelopeSigner(keyId & 0xFF, secret);
    }

    public boolean signed() {
        return hmac != null;
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

    /** Throws when {@code len} content bytes cannot be carried. */
    public void checkContentLength(int len) {
        if (len > maxContentLength()) {
            throw new IllegalArgumentException("referral content of " + len + " bytes exceeds the envelope limit of "
                    + maxContentLength() + " bytes (" + EnvelopeLayout.MAX_ENVELOPE_LENGTH + " bytes in all)");
        }
    }

    /**
     * Builds the envelope for {@code content} ({@code null} = empty) in this signer's scratch
     * array and returns that array; the envelope is its first {@link #envelopeLength} bytes and
     * stays valid until the next call.
     *
     * @throws IllegalArgumentException when the content does not fit
     */
    public byte[] sign(byte[] content) {
        int len = content == null ? 0 : content.length;
        checkContentLength(len);
        byte[] e = scratch;
        System.arraycopy(EnvelopeLayout.MAGIC, 0, e, EnvelopeLayout.MAGIC_OFFSET, EnvelopeLayout.MAGIC.length);
        e[EnvelopeLayout.VERSION_OFFSET] = EnvelopeLayout.VERSION_1;
        e[EnvelopeLayout.FLAGS_OFFSET] = flags();
        e[EnvelopeLayout.KEY_ID_OFFSET] = keyId;
        e[EnvelopeLayout.CONTENT_LENGTH_OFFSET] = (byte) len;
        e[EnvelopeLayout.CONTENT_LENGTH_OFFSET + 1] = (byte) (len >>> 8);
        if (len > 0) {
            System.arraycopy(content, 0, e, EnvelopeLayout.CONTENT_OFFSET, len);
        }
        if (hmac != null) {
            int signedLength = EnvelopeLayout.CONTENT_OFFSET + len;
            hmac.mac(e, 0, signedLength, e, signedLength);
        }
        return e;
    }

    /** Encodes an envelope into a new array. */
    public byte[] encode(byte[] content) {
        int len = content == null ? 0 : content.length;
        return java.util.Arrays.copyOf(sign(content), envelopeLength(len));
    }

    @Override
    public String toString() {
        return "EnvelopeSigner[keyId=" + keyId() + ", signed=" + signed() + "]";
    }
}
