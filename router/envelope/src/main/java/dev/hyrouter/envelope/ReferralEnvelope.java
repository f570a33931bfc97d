package dev.hyrouter.envelope;

import java.util.Arrays;

/**
 * A parsed referral envelope v1. Immutable: the content and MAC are copies.
 *
 * <p>{@link #parse(byte[])} checks the structure only; use {@link EnvelopeVerifier} to check the
 * signature.
 */
public final class ReferralEnvelope {
    private final int version;
    private final int flags;
    private final int keyId;
    private final byte[] content;
    private final byte[] mac;
    private final int length;

    private ReferralEnvelope(int version, int flags, int keyId, byte[] content, byte[] mac, int length) {
        this.version = version;
        this.flags = flags;
        this.keyId = keyId;
        this.content = content;
        this.mac = mac;
        this.length = length;
    }

    /**
     * Parses the structure of an envelope (magic, version, lengths).
     *
     * @throws EnvelopeException with the reason when the bytes are not a well-formed envelope
     */
    public static ReferralEnvelope parse(byte[] data) throws EnvelopeException {
        if (data == null || data.length < EnvelopeLayout.HEADER_LENGTH) {
            throw new EnvelopeException(EnvelopeException.Reason.TOO_SHORT,
                    "envelope needs at least " + EnvelopeLayout.HEADER_LENGTH + " bytes, got " + (data == null ? 0 : data.length));
        }
        for (int i = 0; i < EnvelopeLayout.MAGIC.length; i++) {
            if (data[EnvelopeLayout.MAGIC_OFFSET + i] != EnvelopeLayout.MAGIC[i]) {
                throw new EnvelopeException(EnvelopeException.Reason.BAD_MAGIC, "envelope does not start with HYRP");
            }
        }
        int version = data[EnvelopeLayout.VERSION_OFFSET] & 0xFF;
        if (version != EnvelopeLayout.VERSION_1) {
            throw new EnvelopeException(EnvelopeException.Reason.UNSUPPORTED_VERSION, "unsupported envelope version " + version);
        }
        int flags = data[EnvelopeLayout.FLAGS_OFFSET] & 0xFF;
        int keyId = data[EnvelopeLayout.KEY_ID_OFFSET] & 0xFF;
        int contentLength = (data[EnvelopeLayout.CONTENT_LENGTH_OFFSET] & 0xFF)
                | (data[EnvelopeLayout.CONTENT_LENGTH_OFFSET + 1] & 0xFF) << 8;
        boolean signed = (flags & EnvelopeLayout.FLAG_SIGNED_HMAC_SHA256) != 0;
        int need = EnvelopeLayout.envelopeLength(contentLength, signed);
        if (need > data.length) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_LENGTH,
                    "envelope declares " + need + " bytes but only " + data.length + " are present");
        }
        if (need > EnvelopeLayout.MAX_ENVELOPE_LENGTH) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_LENGTH,
                    "envelope of " + need + " bytes exceeds " + EnvelopeLayout.MAX_ENVELOPE_LENGTH);
        }
        byte[] content = Arrays.copyOfRange(data, EnvelopeLayout.CONTENT_OFFSET, EnvelopeLayout.CONTENT_OFFSET + contentLength);
        byte[] mac = signed
                ? Arrays.copyOfRange(data, EnvelopeLayout.CONTENT_OFFSET + contentLength, need)
                : new byte[0];
        return new ReferralEnvelope(version, flags, keyId, content, mac, need);
    }

    public int version() {
        return version;
    }

    public int flags() {
        return flags;
    }

    public int keyId() {
        return keyId;
    }

    public boolean signed() {
        return (flags & EnvelopeLayout.FLAG_SIGNED_HMAC_SHA256) != 0;
    }

    /** A copy of the content (the plugins' referral content). */
    public byte[] content() {
        return content.clone();
    }

    /** A copy of the MAC, empty when unsigned. */
    public byte[] mac() {
        return mac.clone();
    }

    /** Bytes of the input that belong to the envelope. */
    public int length() {
        return length;
    }

    @Override
    public String toString() {
        return "ReferralEnvelope[v" + version + ", keyId=" + keyId + ", signed=" + signed() + ", content=" + content.length + " bytes]";
    }
}
