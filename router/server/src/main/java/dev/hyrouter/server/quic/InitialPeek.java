package dev.hyrouter.server.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;

/**
 * Sits in front of each socket's QUIC codec and, for a QUIC v1 Initial packet only, notes its
 * connection IDs and sender while the codec handles it. If that packet creates a connection the
 * router refuses ({@link ConnectionHandler}), the refusal can then be answered statelessly with
 * {@link StatelessClose}, before any TLS work. Other packets pass untouched; nothing is
 * allocated (one scratch header per event loop).
 */
@ChannelHandler.Sharable
final class InitialPeek extends ChannelInboundHandlerAdapter {
    static final InitialPeek INSTANCE = new InitialPeek();
    static final int QUIC_V1 = 0x0000_0001;
    static final int MAX_CID = 20;

    private static final FastThreadLocal<Header> CURRENT = new FastThreadLocal<>() {
        @Override
        protected Header initialValue() {
            return new Header();
        }
    };

    /** The Initial packet this event loop is handling now, or {@code null}. */
    static Header current() {
        Header h = CURRENT.get();
        return h.valid ? h : null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket p) {
            Header h = CURRENT.get();
            if (h.parse(p.content(), p.sender())) {
                try {
                    ctx.fireChannelRead(msg);
                } finally {
                    h.clear();
                }
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** A QUIC v1 Initial long header: version, connection IDs, sender. */
    static final class Header {
        boolean valid;
        final byte[] dcid = new byte[MAX_CID];
        int dcidLength;
        final byte[] scid = new byte[MAX_CID];
        int scidLength;
        InetSocketAddress sender;

        /** Fills this from {@code b} when it starts with a v1 Initial packet (RFC 9000, section 17.2.2). */
        boolean parse(ByteBuf b, InetSocketAddress from) {
            int r = b.readerIndex();
            int n = b.readableBytes();
            if (n < 7) {
                return false;
            }
            int first = b.getUnsignedByte(r);
            if ((first & 0xC0) != 0xC0 || (first & 0x30) != 0 || b.getInt(r + 1) != QUIC_V1) {
                return false;
            }
            int d = b.getUnsignedByte(r + 5);
            if (d > MAX_CID || 6 + d + 1 > n) {
                return false;
            }
            int s = b.getUnsignedByte(r + 6 + d);
            if (s > MAX_CID || 7 + d + s > n) {
                return false;
            }
            b.getBytes(r + 6, dcid, 0, d);
            b.getBytes(r + 7 + d, scid, 0, s);
            dcidLength = d;
            scidLength = s;
            sender = from;
            valid = true;
            return true;
        }

        void clear() {
            valid = false;
            sender = null;
        }
    }
}
