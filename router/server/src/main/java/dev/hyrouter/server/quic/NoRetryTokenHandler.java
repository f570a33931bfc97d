package dev.hyrouter.server.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;

/**
 * Accepts connections without a Retry round trip, like the original: a referral is one round
 * trip of work, and a Retry would add a whole RTT to every session. Stateless.
 */
final class NoRetryTokenHandler implements QuicTokenHandler {
    static final NoRetryTokenHandler INSTANCE = new NoRetryTokenHandler();

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        return false;
    }

    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        return 0;
    }

    @Override
    public int maxTokenLength() {
        return 0;
    }
}
