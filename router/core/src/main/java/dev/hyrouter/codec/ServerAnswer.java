package dev.hyrouter.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * What the router answered on a stream, decoded on the client side (probe, tests, load tests):
 * a ClientReferral (host, port, data) or a Disconnect (type, reason). Immutable.
 */
public final class ServerAnswer {
    /** The kinds of answer. */
    public enum Kind {
        REFERRAL,
        DISCONNECT
    }

    private final Kind kind;
    private final String host;
    private final int port;
    private final byte[] data;
    private final int disconnectType;
    private final String reason;

    private ServerAnswer(Kind kind, String host, int port, byte[] data, int disconnectType, String reason) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.data = data;
        this.disconnectType = disconnectType;
        this.reason = reason;
    }

    /**
     * Decodes one answer frame's payload.
     *
     * @throws IllegalArgumentException when the packet is neither a well-formed ClientReferral nor
     *     Disconnect
     */
    public static ServerAnswer decode(int packetId, ByteBuf payload) {
        int base = payload.readerIndex();
        int limit = base + payload.readableBytes();
        if (packetId == PacketIds.DISCONNECT) {
            require(limit - base >= 2, "Disconnect shorter than 2 bytes");
            int nullBits = payload.getUnsignedByte(base + DisconnectLayout.NULL_BITS_OFFSET);
            int type = payload.getUnsignedByte(base + DisconnectLayout.TYPE_OFFSET);
            String reason = "";
            if ((nullBits & DisconnectLayout.NULL_BIT_REASON) != 0) {
                long v = VarInts.read(payload, base + DisconnectLayout.REASON_OFFSET, limit);
                require(v != VarInts.INVALID, "Disconnect reason length is not a valid VarInt");
                int start = base + DisconnectLayout.REASON_OFFSET + VarInts.size(v);
                require((long) start + VarInts.value(v) <= limit, "Disconnect reason overruns the payload");
                reason = payload.toString(start, VarInts.value(v), StandardCharsets.UTF_8);
            }
            return new ServerAnswer(Kind.DISCONNECT, null, 0, null, type, reason);
        }
        if (packetId == PacketIds.CLIENT_REFERRAL) {
            require(limit - base >= ClientReferralLayout.VARIABLE_BLOCK_OFFSET, "ClientReferral shorter than its fixed block");
            int nullBits = payload.getUnsignedByte(base + ClientReferralLayout.NULL_BITS_OFFSET);
            int var = base + ClientReferralLayout.VARIABLE_BLOCK_OFFSET;
            String host = null;
            int port = 0;
            byte[] data = null;
            if ((nullBits & ClientReferralLayout.NULL_BIT_HOST) != 0) {
                int at = var + payload.getIntLE(base + ClientReferralLayout.HOST_OFFSET_OFFSET);
                require(at >= var && at + 2 <= limit, "ClientReferral host offset out of range");
                port = payload.getUnsignedShortLE(at);
                long v = VarInts.read(payload, at + 2, limit);
                require(v != VarInts.INVALID && VarInts.value(v) <= ConnectLimits.MAX_HOST, "ClientReferral host length invalid");
                int start = at + 2 + VarInts.size(v);
                require((long) start + VarInts.value(v) <= limit, "ClientReferral host overruns the payload");
                host = payload.toString(start, VarInts.value(v), StandardCharsets.UTF_8);
            }
            if ((nullBits & ClientReferralLayout.NULL_BIT_DATA) != 0) {
                int at = var + payload.getIntLE(base + ClientReferralLayout.DATA_OFFSET_OFFSET);
                require(at >= var && at < limit, "ClientReferral data offset out of range");
                long v = VarInts.read(payload, at, limit);
                require(v != VarInts.INVALID && VarInts.value(v) <= ClientReferralLayout.MAX_DATA, "ClientReferral data length invalid");
                int start = at + VarInts.size(v);
                require((long) start + VarInts.value(v) <= limit, "ClientReferral data overruns the payload");
                data = new byte[VarInts.value(v)];
                payload.getBytes(start, data);
            }
            return new ServerAnswer(Kind.REFERRAL, host, port, data, 0, null);
        }
        throw new IllegalArgumentException("unexpected packet " + packetId + " (" + PacketIds.name(packetId) + ")");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public Kind kind() {
        return kind;
    }

    public boolean isReferral() {
        return kind == Kind.REFERRAL;
    }

    /** Referral host, or {@code null}. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Referral data (the envelope), or {@code null}. */
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    public int disconnectType() {
        return disconnectType;
    }

    /** Disconnect reason, or {@code null} for a referral. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return kind == Kind.REFERRAL
                ? "ClientReferral[" + host + ":" + port + ", data=" + (data == null ? "none" : data.length + " bytes") + "]"
                : "Disconnect[type=" + disconnectType + ", reason=" + reason + "]";
    }
}
