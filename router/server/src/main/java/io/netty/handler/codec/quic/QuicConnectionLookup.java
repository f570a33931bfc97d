package io.netty.handler.codec.quic;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.nio.ByteBuffer;

/**
 * Whether a socket's QUIC codec already has a connection for a connection ID. A client resends
 * its first Initial, under the ID it chose, when the server's answer is slow to come; the codec
 * maps that ID to the connection it made of the first copy, but keeps the lookup
 * package-private, so this class lives in Netty's package. It answers {@code false} for a
 * handler it does not know, or if a later Netty changes the method: a resend is then judged as a
 * new connection, as before.
 */
public final class QuicConnectionLookup {
    private static final boolean AVAILABLE = probe();

    private QuicConnectionLookup() {
    }

    private static boolean probe() {
        try {
            QuicheQuicCodec.class.getDeclaredMethod("getChannel", ByteBuffer.class);
            return true;
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    /** The QUIC codec in {@code pipeline}, or {@code null}. */
    public static ChannelHandler codec(ChannelPipeline pipeline) {
        return AVAILABLE ? pipeline.get(QuicheQuicCodec.class) : null;
    }

    /** Whether {@code codec} ({@link #codec}) maps {@code id} (its remaining bytes, not consumed) to a connection. */
    public static boolean known(ChannelHandler codec, ByteBuffer id) {
        if (!(codec instanceof QuicheQuicCodec c)) {
            return false;
        }
        try {
            return c.getChannel(id) != null;
        } catch (LinkageError e) {
            return false;
        }
    }
}
