package dev.hyrouter.server.quic;

import dev.hyrouter.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * QUIC address validation with Retry, under {@code limits.retry}: before a connection gets any
 * state, the client must echo a token proving it receives packets at its source address, so a
 * spoofed-source flood costs the router no connection. {@code never} never asks, {@code always}
 * always does (one more round trip per session), {@code auto} asks only while new connections
 * arrive on this event loop faster than its share of {@code limits.retry_threshold}, judged on
 * the previous {@value #WINDOW_MILLIS} ms window: normal traffic pays nothing.
 *
 * <p>One instance per event loop (its rate window is plain fields, touched by that loop only);
 * the key is shared so a token minted on one loop validates on any. Token: {@code u64 issued-at
 * millis | 16-byte HMAC-SHA256(issued-at, client IP, client port, original DCID) | original
 * DCID}, keyed by a random secret of this process and valid for {@value #VALIDITY_MILLIS} ms.
 * A token that is not ours is ignored while no Retry is required (as if it was absent) and
 * dropped while one is.
 */
final class RetryTokenHandler implements QuicTokenHandler {
    static final long VALIDITY_MILLIS = 30_000;
    static final long WINDOW_MILLIS = 100;
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);
    private static final long WINDOWS_PER_SECOND = 1000 / WINDOW_MILLIS;
    private static final int TIME_LENGTH = 8;
    private static final int MAC_LENGTH = 16;
    private static final int DCID_OFFSET = TIME_LENGTH + MAC_LENGTH;
    private static final int MAX_CONNECTION_ID = 20;

    /** The process's token key and, per event loop, a MAC and scratch arrays (no garbage per token beyond the address). */
    static final class Secret {
        private final byte[] key = new byte[32];
        private final FastThreadLocal<Scratch> scratch = new FastThreadLocal<>() {
            @Override
            protected Scratch initialValue() throws GeneralSecurityException {
                return new Scratch(key);
            }
        };

        Secret() {
            new SecureRandom().nextBytes(key);
        }
    }

    private static final class Scratch {
        final Mac mac;
        final byte[] out = new byte[32];
        final byte[] bytes = new byte[MAX_CONNECTION_ID + 16];

        Scratch(byte[] key) throws GeneralSecurityException {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        }
    }

    private final Secret secret;
    private final IntakeStats stats;
    private final Supplier<LimitsConfig> limits;
    private final int loops;
    private final LongSupplier clockNanos;
    private final LongSupplier clockMillis;

    // The auto-mode rate window: this loop's own, so plain fields.
    private long window = Long.MIN_VALUE;
    private long inWindow;
    private long inPreviousWindow;
    /** Whether auto mode asked for a Retry at the last new connection; read by metrics from another thread. */
    private volatile boolean active;

    RetryTokenHandler(Secret secret, IntakeStats stats, Supplier<LimitsConfig> limits, int loops) {
        this(secret, stats, limits, loops, System::nanoTime, System::currentTimeMillis);
    }

    RetryTokenHandler(Secret secret, IntakeStats stats, Supplier<LimitsConfig> limits, int loops, LongSupplier clockNanos,
            LongSupplier clockMillis) {
        this.secret = secret;
        this.stats = stats;
        this.limits = limits;
        this.loops = Math.max(1, loops);
        this.clockNanos = clockNanos;
        this.clockMillis = clockMillis;
    }

    /** Whether this loop currently answers new clients with a Retry. */
    boolean retrying() {
        return active;
    }

    /** Counts one new connection attempt and says whether it must prove its address first. */
    private boolean retryRequired() {
        LimitsConfig l = limits.get();
        boolean required = switch (l.retry()) {
            case NEVER -> false;
            case ALWAYS -> true;
            case AUTO -> {
                long w = clockNanos.getAsLong() / WINDOW_NANOS;
                if (w != window) {
                    inPreviousWindow = w == window + 1 ? inWindow : 0;
                    window = w;
                    inWindow = 0;
                }
                inWindow++;
                // The previous window's arrivals, as a rate, against this loop's share of the threshold.
                yield inPreviousWindow * WINDOWS_PER_SECOND * loops > l.retryThreshold(loops);
            }
        };
        if (required != active) {
            active = required;
        }
        return required;
    }

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        if (!retryRequired()) {
            return false;
        }
        long now = clockMillis.getAsLong();
        out.writeLong(now);
        Scratch sc = secret.scratch.get();
        mac(sc, now, address, dcid, dcid.readerIndex(), dcid.readableBytes());
        out.writeBytes(sc.out, 0, MAC_LENGTH);
        out.writeBytes(dcid, dcid.readerIndex(), dcid.readableBytes());
        stats.retriesSent.increment();
        return true;
    }

    @Override
    public TokenValidationResult validateToken(ByteBuf token, InetSocketAddress address, ByteBuf dcid) {
        int offset = validateToken(token, address);
        if (offset >= 0) {
            return TokenValidationResult.odcidFromToken(offset);
        }
        stats.invalidRetryTokens.increment();
        return retryRequired() ? TokenValidationResult.invalidToken() : TokenValidationResult.odcidFromDestinationConnectionId();
    }

    /** Where the original DCID starts in a valid token of ours, or -1. */
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
        Scratch sc = secret.scratch.get();
        mac(sc, issued, address, token, start + DCID_OFFSET, length - DCID_OFFSET);
        int diff = 0;
        for (int i = 0; i < MAC_LENGTH; i++) {
            diff |= sc.out[i] ^ token.getByte(start + TIME_LENGTH + i);
        }
        return diff == 0 ? DCID_OFFSET : -1; // every byte compared: constant time
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
