package dev.hyrouter.server.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * QUIC address validation with Retry ({@code quic.address_validation: true}): before a
 * connection gets any state, the client must echo a token proving it receives packets at its
 * source address, which stops spoofed-source floods from costing the router connections.
 *
 * <p>Token: {@code u64 issued-at millis | 16-byte HMAC-SHA256(issued-at, client IP, client port,
 * original DCID) | original DCID}, keyed by a random secret of this process and valid for
 * {@value #VALIDITY_MILLIS} ms. Costs one extra round trip per connection, which is why it is off
 * by default (as in the original). Thread safe: one MAC per event loop.
 */
final class RetryTokenHandler implements QuicTokenHandler {
    static final long VALIDITY_MILLIS = 30_000;
    private static final int TIME_LENGTH = 8;
    private static final int MAC_LENGTH = 16;
    private static final int DCID_OFFSET = TIME_LENGTH + MAC_LENGTH;
    private static final int MAX_CONNECTION_ID = 20;

    private final byte[] key = new byte[32];
    private final FastThreadLocal<Mac> macs = new FastThreadLocal<>() {
        @Override
        protected Mac initialValue() throws GeneralSecurityException {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        }
    };

    private final java.util.function.LongSupplier clockMillis;

    private final IntakeStats stats;

    RetryTokenHandler(IntakeStats stats) {
        this(stats, System::currentTimeMillis);
    }

    RetryTokenHandler(IntakeStats stats, java.util.function.LongSupplier clockMillis) {
        this.stats = stats;
        this.clockMillis = clockMillis;
        new SecureRandom().nextBytes(key);
    }

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        long now = clockMillis.getAsLong();
        out.writeLong(now);
        out.writeBytes(mac(now, address, dcid, dcid.readerIndex(), dcid.readableBytes()), 0, MAC_LENGTH);
        out.writeBytes(dcid, dcid.readerIndex(), dcid.readableBytes());
        stats.retriesSent.increment();
        return true;
    }

    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        int start = token.readerIndex();
        int length = token.readableBytes();
        if (length <= DCID_OFFSET || length > DCID_OFFSET + MAX_CONNECTION_ID) {
            return -1;
        }
        long issued = token.getLong(start);
        long age = clockMillis.getAsLong() - issued;
        if (age < -1_000 || age > VALIDITY_MILLIS) {
            return -1;
        }
        byte[] expected = mac(issued, address, token, start + DCID_OFFSET, length - DCID_OFFSET);
        byte[] presented = new byte[MAC_LENGTH];
        token.getBytes(start + TIME_LENGTH, presented);
        byte[] truncated = java.util.Arrays.copyOf(expected, MAC_LENGTH);
        if (!MessageDigest.isEqual(truncated, presented)) {
            stats.invalidRetryTokens.increment();
            return -1;
        }
        return DCID_OFFSET;
    }

    private byte[] mac(long issued, InetSocketAddress address, ByteBuf dcid, int dcidIndex, int dcidLength) {
        Mac m = macs.get();
        for (int i = 7; i >= 0; i--) {
            m.update((byte) (issued >>> (8 * i)));
        }
        m.update(address.getAddress().getAddress());
        m.update((byte) (address.getPort() >>> 8));
        m.update((byte) address.getPort());
        m.update(dcid.nioBuffer(dcidIndex, dcidLength));
        return m.doFinal();
    }

    @Override
    public int maxTokenLength() {
        return DCID_OFFSET + MAX_CONNECTION_ID;
    }
}
