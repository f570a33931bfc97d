package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryTokenHandlerTest {
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final RetryTokenHandler handler = new RetryTokenHandler(new IntakeStats(), now::get);
    private final InetSocketAddress client = new InetSocketAddress("192.0.2.10", 40000);
    private final ByteBuf dcid = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    private ByteBuf token() {
        ByteBuf out = Unpooled.buffer(handler.maxTokenLength());
        assertThat(handler.writeToken(out, dcid, client)).isTrue();
        assertThat(out.readableBytes()).isLessThanOrEqualTo(handler.maxTokenLength());
        return out;
    }

    @Test
    void aTokenValidatesFromItsAddressAndPointsAtTheOriginalConnectionId() {
        ByteBuf t = token();
        int offset = handler.validateToken(t, client);
        assertThat(offset).isPositive();
        assertThat(t.slice(offset, t.readableBytes() - offset)).isEqualTo(dcid);
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
        now.addAndGet(RetryTokenHandler.VALIDITY_MILLIS + 1);
        assertThat(handler.validateToken(t, client)).isEqualTo(-1);
        assertThat(new RetryTokenHandler(new IntakeStats(), now::get).validateToken(token(), client)).isEqualTo(-1);
    }
}
