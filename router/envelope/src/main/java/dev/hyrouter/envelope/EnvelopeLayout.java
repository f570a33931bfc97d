package dev.hyrouter.envelope;

import java.nio.charset.StandardCharsets;

/**
 * Byte layout of the referral envelope v1 that travels as the {@code data} of a ClientReferral.
 *
 * <pre>
 * 0..3  magic "HYRP"
 * 4     version (1)
 * 5     flags (0x01 = signed with HMAC-SHA256)
 * 6     key_id
 * 7..8  content_len (u16, little-endian)
 * 9..   content
 * ..    32-byte HMAC-SHA256 over bytes 0 .. end of content, present iff signed
 * </pre>
 *
 * Code reads these names, never the numbers. Stateless; safe from any thread.
 */
public final class EnvelopeLayout {
    /** The four magic bytes {@code "HYRP"}. */
    public static final byte[] MAGIC = "HYRP".getBytes(StandardCharsets.US_ASCII);
    /** The magic read as a little-endian int, for a single-load comparison. */
    public static final int MAGIC_LE = (MAGIC[0] & 0xFF) | (MAGIC[1] & 0xFF) << 8 | (MAGIC[2] & 0xFF) << 16 | (MAGIC[3] & 0xFF) << 24;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int FLAGS_OFFSET = 5;
    public static final int KEY_ID_OFFSET = 6;
    public static final int CONTENT_LENGTH_OFFSET = 7;
    public static final int CONTENT_OFFSET = 9;
    public static final int HEADER_LENGTH = CONTENT_OFFSET;

    public static final byte VERSION_1 = 1;
    public static final byte FLAG_SIGNED_HMAC_SHA256 = 0x01;
    public static final int MAC_LENGTH = 32;

    /** The whole envelope (header, content, MAC) must fit the ClientReferral data limit. */
    public static final int MAX_ENVELOPE_LENGTH = 4096;

    private EnvelopeLayout() {
    }

    /** Total envelope length for a content of {@code contentLength} bytes. */
    public static int envelopeLength(int contentLength, boolean signed) {
        return HEADER_LENGTH + contentLength + (signed ? MAC_LENGTH : 0);
    }

    /** Largest content that still lets the envelope fit {@link #MAX_ENVELOPE_LENGTH}. */
    public static int maxContentLength(boolean signed) {
        return MAX_ENVELOPE_LENGTH - HEADER_LENGTH - (signed ? MAC_LENGTH : 0);
    }
}
