package dev.hyrouter.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/** Encodes Disconnect frames straight into an allocator's (pooled, direct) buffer. Stateless. */
public final class DisconnectEncoder {
    private DisconnectEncoder() {
    }

    /** Exact frame length for {@code reason}. */
    public static int frameLength(String reason) {
        return FrameLayout.HEADER_LENGTH + payloadLength(ByteBufUtil.utf8Bytes(reason));
    }

    private static int payloadLength(int reasonBytes) {
        return reasonBytes == 0 ? 2 : 2 + VarInts.encodedSize(reasonBytes) + reasonBytes;
    }

    /**
     * A whole Disconnect frame (type Disconnect). An empty reason is encoded as {@code 00 00};
     * a reason longer than the protocol allows is cut at a character boundary.
     */
    public static ByteBuf encode(ByteBufAllocator allocator, String reason) {
        String r = reason == null ? "" : reason;
        int reasonBytes = ByteBufUtil.utf8Bytes(r);
        if (reasonBytes > DisconnectLayout.MAX_REASON) {
            r = truncate(r);
            reasonBytes = ByteBufUtil.utf8Bytes(r);
        }
        int payload = payloadLength(reasonBytes);
        ByteBuf out = allocator.directBuffer(FrameLayout.HEADER_LENGTH + payload);
        out.writeIntLE(payload);
        out.writeIntLE(PacketIds.DISCONNECT);
        if (reasonBytes == 0) {
            out.writeByte(0);
            out.writeByte(DisconnectLayout.TYPE_DISCONNECT);
        } else {
            out.writeByte(DisconnectLayout.NULL_BIT_REASON);
            out.writeByte(DisconnectLayout.TYPE_DISCONNECT);
            VarInts.write(out, reasonBytes);
            ByteBufUtil.reserveAndWriteUtf8(out, r, reasonBytes);
        }
        return out;
    }

    private static String truncate(String reason) {
        int end = Math.min(reason.length(), DisconnectLayout.MAX_REASON / 3);
        if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end);
    }
}
