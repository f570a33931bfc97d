package dev.hyrouter.server.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
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
    /** Per event loop: the MAC and scratch arrays, so tokens cost no garbage beyond the address bytes. */
    private final class Scratch {
        final Mac mac;
        final byte[] out = new byte[32];
        final byte[] bytes = new byte[MAX_CONNECTION_ID + 16];

        Scratch() throws GeneralSecurityException {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        }
    }

    private final FastThreadLocal<Scratch> scratch = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() throws GeneralSecurityException {
            return new Scratch();
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
        Scratch sc = scratch.get();
        mac(sc, now, address, dcid, dcid.readerIndex(), dcid.readableBytes());
        out.writeBytes(sc.out, 0, MAC_LENGTH);
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
        Scratch sc = scratch.get();
        mac(sc, issued, address, token, start + DCID_OFFSET, length - DCID_OFFSET);
        int diff = 0;
        for (int i = 0; i < MAC_LENGTH; i++) {
            diff |= sc.out[i] ^ token.getByte(start + TIME_LENGTH + i);
        }
        if (diff != 0) { // every byte compared: constant time
            stats.invalidRetryTokens.increment();
            return -1;
        }
        return DCID_OFFSET;
    }

    /** The full MAC into {@code sc.out}. */
    private static void mac(Scratch sc, long issued, InetSocketAddress address, ByteBuf dcid, int dcidIndex, int dcidLength) {
        byte[] b = sc.bytes;
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (issued >>> (56 - 8 * i));
        }
        b[8] = (byte) (address.getPort() >>> 8);
        b[9] = (byte) address.getPort();
        dcid.getBytes(dcidIndex, b, 10, dcidLength);
        sc.mac.update(b, 0, 10 + dcidLength);
        sc.mac.update(address.getAddress().getAddress());
        try {
            sc.mac.doFinal(sc.out, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int maxTokenLength() {
        return DCID_OFFSET + MAX_CONNECTION_ID;
    }
}
