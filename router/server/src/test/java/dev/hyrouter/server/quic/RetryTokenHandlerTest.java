package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.LimitsConfig;
import dev.hyrouter.config.LimitsConfig.RetryMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.quic.QuicTokenHandler.TokenValidationResult;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RetryTokenHandlerTest {
    private static final long WINDOW = RetryTokenHandler.WINDOW_MILLIS * 1_000_000L;
    private final AtomicLong nowMillis = new AtomicLong(1_800_000_000_000L);
    private final AtomicLong nowNanos = new AtomicLong(WINDOW * 1_000);
    private final AtomicReference<LimitsConfig> limits = new AtomicReference<>(mode(RetryMode.ALWAYS, 0));
    private final IntakeStats stats = new IntakeStats();
    private final RetryTokenHandler.Secret secret = new RetryTokenHandler.Secret();
    private final RetryTokenHandler handler = handler(1);
    private final InetSocketAddress client = new InetSocketAddress("192.0.2.10", 40000);
    private final ByteBuf dcid = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    private RetryTokenHandler handler(int loops) {
        return new RetryTokenHandler(secret, stats, limits::get, loops, nowNanos::get, nowMillis::get);
    }

    private static LimitsConfig mode(RetryMode mode, int threshold) {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        return new LimitsConfig(d.maxConnections(), d.maxConnectionsPerIp(), d.newConnectionsPerIp(), d.newConnectionsPerIpBurst(), mode,
                threshold);
    }

    private ByteBuf token() {
        ByteBuf out = Unpooled.buffer(handler.maxTokenLength());
        assertThat(handler.writeToken(out, dcid, client)).isTrue();
        assertThat(out.readableBytes()).isLessThanOrEqualTo(handler.maxTokenLength());
        return out;
    }

    /** One new connection without a token: whether the handler answered with a Retry. */
    private boolean retried(RetryTokenHandler h) {
        return h.writeToken(Unpooled.buffer(h.maxTokenLength()), dcid, client);
    }

    @Test
    void aTokenValidatesFromItsAddressAndPointsAtTheOriginalConnectionId() {
        ByteBuf t = token();
        int offset = handler.validateToken(t, client);
        assertThat(offset).isPositive();
        assertThat(t.slice(offset, t.readableBytes() - offset)).isEqualTo(dcid);
        assertThat(handler.validateToken(t, client, dcid).isValid()).isTrue();
    }

    @Test
    void anotherAddressATamperedTokenOrAnOldOneIsRefused() {
        ByteBuf t = token();
        assertThat(handler.validateToken(t, new InetSocketAddress("192.0.2.11", 40000))).isEqualTo(-1);
        assertThat(handler.validateToken(t, new InetSocketAddress("192.0.2.10", 40001))).isEqualTo(-1);
        ByteBuf tampered = t.copy();
        tampered.setByte(tampered.writerIndex() - 1, 9);
        assertThat(handler.validateToken(tampered, client)).isEqualTo(-1);
        assertThat(handler.validateToken(Unpooled.wrappedBuffer(new byte[5]), client)).isEqualTo(-1);
        // Another loop of the same intake shares the key; another intake (process) does not.
        assertThat(handler(2).validateToken(t, client)).isPositive();
        assertThat(new RetryTokenHandler(new RetryTokenHandler.Secret(), stats, limits::get, 1, nowNanos::get, nowMillis::get)
                .validateToken(t, client)).isEqualTo(-1);
        nowMillis.addAndGet(RetryTokenHandler.VALIDITY_MILLIS + 1);
        assertThat(handler.validateToken(t, client)).isEqualTo(-1);
    }

    @Test
    void aForeignTokenIsDroppedWhileRetryIsRequiredAndIgnoredOtherwise() {
        ByteBuf foreign = Unpooled.wrappedBuffer(new byte[40]);
        assertThat(handler.validateToken(foreign, client, dcid).isValid()).isFalse();
        limits.set(mode(RetryMode.NEVER, 0));
        TokenValidationResult r = handler.validateToken(foreign, client, dcid);
        assertThat(r.isValid()).isTrue();
        assertThat(stats.invalidRetryTokens()).isEqualTo(2);
    }

    @Test
    void neverSendsNoRetryAndAlwaysSendsOne() {
        limits.set(mode(RetryMode.NEVER, 0));
        assertThat(retried(handler)).isFalse();
        limits.set(mode(RetryMode.ALWAYS, 0));
        assertThat(retried(handler)).isTrue();
        assertThat(stats.retriesSent()).isEqualTo(1);
    }

    @Test
    void autoSwitchesOnAboveTheThresholdAndOffBelowIt() {
        // 50 new connections per second = 5 per 100 ms window.
        limits.set(mode(RetryMode.AUTO, 50));
        for (int i = 0; i < 5; i++) {
            assertThat(retried(handler)).as("within the first window").isFalse();
        }
        nowNanos.addAndGet(WINDOW);
        assertThat(retried(handler)).as("5 in the last window is not above 50/s").isFalse();
        for (int i = 0; i < 5; i++) {
            retried(handler);
        }
        nowNanos.addAndGet(WINDOW);
        assertThat(retried(handler)).as("6 in the last window is above 50/s").isTrue();
        assertThat(handler.retrying()).isTrue();
        nowNanos.addAndGet(WINDOW);
        assertThat(retried(handler)).as("1 in the last window").isFalse();
        assertThat(handler.retrying()).isFalse();
        for (int i = 0; i < 10; i++) {
            retried(handler);
        }
        nowNanos.addAndGet(3 * WINDOW);
        assertThat(retried(handler)).as("a quiet window in between").isFalse();
    }

    @Test
    void autoJudgesEachLoopAgainstItsShare() {
        limits.set(mode(RetryMode.AUTO, 50)); // two loops: 25/s each, 2.5 per window
        RetryTokenHandler loop = handler(2);
        for (int i = 0; i < 3; i++) {
            retried(loop);
        }
        nowNanos.addAndGet(WINDOW);
        assertThat(retried(loop)).isTrue();
        // The default threshold: 1,000 per second per loop.
        limits.set(mode(RetryMode.AUTO, 0));
        nowNanos.addAndGet(WINDOW);
        assertThat(retried(loop)).isFalse();
        for (int i = 0; i < 101; i++) {
            retried(loop);
        }
        nowNanos.addAndGet(WINDOW);
        assertThat(retried(loop)).isTrue();
    }
}
