package dev.hyrouter.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Encodes Connect frames in layout V1 or V2, as a Hytale client does. Client side only (probe,
 * tests, load tests). Stateless.
 */
public final class ConnectEncoder {
    private ConnectEncoder() {
    }

    /** A whole Connect frame in the given layout. */
    public static ByteBuf encodeFrame(ByteBufAllocator allocator, ConnectView.Layout layout, ConnectFields f) {
        ByteBuf payload = allocator.heapBuffer(256);
        try {
            if (layout == ConnectView.Layout.V1) {
                encodeV1(f, payload);
            } else {
                encodeV2(f, payload);
            }
            ByteBuf frame = allocator.directBuffer(FrameLayout.HEADER_LENGTH + payload.readableBytes());
            frame.writeIntLE(payload.readableBytes());
            frame.writeIntLE(PacketIds.CONNECT);
            frame.writeBytes(payload);
            return frame;
        } finally {
            payload.release();
        }
    }

    /** Writes a V1 payload. */
    public static void encodeV1(ConnectFields f, ByteBuf out) {
        int nullBits = 0;
        if (!f.language().isEmpty()) {
            nullBits |= ConnectLayoutV1.NULL_BIT_LANGUAGE;
        }
        if (f.identityToken() != null) {
            nullBits |= ConnectLayoutV1.NULL_BIT_IDENTITY_TOKEN;
        }
        if (f.referralData() != null) {
            nullBits |= ConnectLayoutV1.NULL_BIT_REFERRAL_DATA;
        }
        if (f.referralSourceHost() != null) {
            nullBits |= ConnectLayoutV1.NULL_BIT_REFERRAL_SOURCE;
        }
        out.writeByte(nullBits);
        writeFixedAscii(out, f.protocolHash(), ConnectLayoutV1.PROTOCOL_HASH_LENGTH);
        out.writeByte(f.clientType());
        out.writeLong(f.uuid().getMostSignificantBits());
        out.writeLong(f.uuid().getLeastSignificantBits());
        int offsets = out.writerIndex();
        out.writeZero(20);
        int var = out.writerIndex();
        setOffset(out, offsets, 0, (nullBits & ConnectLayoutV1.NULL_BIT_LANGUAGE) != 0 ? writeString(out, var, f.language()) : -1);
        setOffset(out, offsets, 1, f.identityToken() != null ? writeBytes(out, var, f.identityToken()) : -1);
        setOffset(out, offsets, 2, f.username() != null ? writeString(out, var, f.username()) : -1);
        setOffset(out, offsets, 3, f.referralData() != null ? writeBytes(out, var, f.referralData()) : -1);
        setOffset(out, offsets, 4, f.referralSourceHost() != null ? writeHostAddress(out, var, f) : -1);
    }

    /** Writes a V2 payload. */
    public static void encodeV2(ConnectFields f, ByteBuf out) {
        int nullBits = 0;
        if (f.identityToken() != null) {
            nullBits |= ConnectLayoutV2.NULL_BIT_IDENTITY_TOKEN;
        }
        if (f.referralData() != null) {
            nullBits |= ConnectLayoutV2.NULL_BIT_REFERRAL_DATA;
        }
        if (f.referralSourceHost() != null) {
            nullBits |= ConnectLayoutV2.NULL_BIT_REFERRAL_SOURCE;
        }
        out.writeByte(nullBits);
        out.writeIntLE(f.protocolCrc());
        out.writeIntLE(f.buildNumber());
        writeFixedAscii(out, f.protocolHash(), ConnectLayoutV2.CLIENT_VERSION_LENGTH);
        out.writeByte(f.clientType());
        out.writeLong(f.uuid().getMostSignificantBits());
        out.writeLong(f.uuid().getLeastSignificantBits());
        int offsets = out.writerIndex();
        out.writeZero(20);
        int var = out.writerIndex();
        setOffset(out, offsets, 0, writeString(out, var, f.username() == null ? "" : f.username()));
        setOffset(out, offsets, 1, f.identityToken() != null ? writeBytes(out, var, f.identityToken()) : -1);
        setOffset(out, offsets, 2, writeString(out, var, f.language()));
        setOffset(out, offsets, 3, f.referralData() != null ? writeBytes(out, var, f.referralData()) : -1);
        setOffset(out, offsets, 4, f.referralSourceHost() != null ? writeHostAddress(out, var, f) : -1);
    }

    private static void setOffset(ByteBuf out, int offsets, int slot, int value) {
        out.setIntLE(offsets + 4 * slot, value);
    }

    private static int writeString(ByteBuf out, int var, String s) {
        return writeBytes(out, var, s.getBytes(StandardCharsets.UTF_8));
    }

    private static int writeBytes(ByteBuf out, int var, byte[] b) {
        int offset = out.writerIndex() - var;
        VarInts.write(out, b.length);
        out.writeBytes(b);
        return offset;
    }

    private static int writeHostAddress(ByteBuf out, int var, ConnectFields f) {
        int offset = out.writerIndex() - var;
        out.writeShortLE(f.referralSourcePort());
        byte[] host = f.referralSourceHost().getBytes(StandardCharsets.UTF_8);
        VarInts.write(out, host.length);
        out.writeBytes(host);
        return offset;
    }

    private static void writeFixedAscii(ByteBuf out, String s, int length) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(b.length, length);
        out.writeBytes(b, 0, n);
        out.writeZero(length - n);
    }
}
