package dev.hyrouter.codec;

import dev.hyrouter.envelope.EnvelopeSigner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes ClientReferral frames with the referral envelope as data, straight into one pooled
 * direct buffer; the envelope is signed in the signer's reusable scratch array, so encoding
 * allocates nothing but the (pooled) buffer.
 *
 * <p>Not thread safe (it owns an {@link EnvelopeSigner}); one per event loop.
 */
public final class ClientReferralEncoder {
    private final EnvelopeSigner signer;

    public ClientReferralEncoder(EnvelopeSigner signer) {
        this.signer = signer;
    }

    /** A fresh encoder with a copy of this one's signer, for another thread. */
    public ClientReferralEncoder copy() {
        return new ClientReferralEncoder(signer.copy());
    }

    public EnvelopeSigner signer() {
        return signer;
    }

    /** Whether {@code contentLength} content bytes fit the envelope. */
    public boolean fits(int contentLength) {
        return contentLength <= signer.maxContentLength();
    }

    /** Whether a host of {@code hostUtf8Length} bytes is allowed. */
    public static boolean hostFits(int hostUtf8Length) {
        return hostUtf8Length > 0 && hostUtf8Length <= ConnectLimits.MAX_HOST;
    }

    /**
     * A whole ClientReferral frame.
     *
     * @param hostUtf8 the host name as UTF-8 (1..256 bytes, see {@link #hostFits})
     * @param port     0..65535
     * @param content  referral content; {@code null} is empty; must {@link #fits}
     */
    public ByteBuf encode(ByteBufAllocator allocator, byte[] hostUtf8, int port, byte[] content) {
        if (!hostFits(hostUtf8.length)) {
            throw new IllegalArgumentException("referral host must be 1.." + ConnectLimits.MAX_HOST + " bytes, got " + hostUtf8.length);
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("referral port out of range: " + port);
        }
        int contentLength = content == null ? 0 : content.length;
        signer.checkContentLength(contentLength);
        int envelopeLength = signer.envelopeLength(contentLength);
        int hostAddressLength = 2 + VarInts.encodedSize(hostUtf8.length) + hostUtf8.length;
        int payloadLength = ClientReferralLayout.VARIABLE_BLOCK_OFFSET + hostAddressLength
                + VarInts.encodedSize(envelopeLength) + envelopeLength;

        ByteBuf out = allocator.directBuffer(FrameLayout.HEADER_LENGTH + payloadLength);
        out.writeIntLE(payloadLength);
        out.writeIntLE(PacketIds.CLIENT_REFERRAL);
        out.writeByte(ClientReferralLayout.NULL_BIT_HOST | ClientReferralLayout.NULL_BIT_DATA);
        out.writeIntLE(0);
        out.writeIntLE(hostAddressLength);
        out.writeShortLE(port);
        VarInts.write(out, hostUtf8.length);
        out.writeBytes(hostUtf8);
        VarInts.write(out, envelopeLength);
        out.writeBytes(signer.sign(content), 0, envelopeLength);
        return out;
    }
}
