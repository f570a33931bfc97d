package dev.hyrouter.server.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;

/** The router's socket queue probe: its datagrams, who may forge one, where it sends. */
class SocketProbeTest {

    @Test
    void aProbeCarriesItsSendTimeAndIsRecognisedOnlyWithTheSecret() {
        SocketProbe probe = new SocketProbe(1);
        ByteBuffer out = ByteBuffer.allocate(SocketProbe.LENGTH);
        probe.encode(out, 0, 123_456_789L);
        ByteBuf b = Unpooled.wrappedBuffer(out);
        assertThat(SocketProbe.shaped(b)).isTrue();
        assertThat(probe.sentAt(b, 0)).isEqualTo(123_456_789L);

        // Another process's probe (another secret), such as a client guessing the format: not ours.
        SocketProbe other = new SocketProbe(1);
        assertThat(other.sentAt(b, 0)).isEqualTo(-1);

        // A QUIC packet (fixed bit set) or any other length is never taken for a probe.
        ByteBuf quic = Unpooled.buffer(SocketProbe.LENGTH).writeByte(0x40).writeZero(SocketProbe.LENGTH - 1);
        assertThat(SocketProbe.shaped(quic)).isFalse();
        ByteBuf longer = Unpooled.buffer(SocketProbe.LENGTH + 1).writeZero(SocketProbe.LENGTH + 1);
        assertThat(SocketProbe.shaped(longer)).isFalse();
    }

    @Test
    void sendsToItsOwnAddressOrToLoopbackWhenListeningOnAll() throws Exception {
        assertThat(SocketProbe.target(new InetSocketAddress("0.0.0.0", 5520)))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5520));
        assertThat(SocketProbe.target(new InetSocketAddress("::", 5520)))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 5520));
        assertThat(SocketProbe.target(new InetSocketAddress("127.0.0.2", 7000)))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 7000));
    }

    @Test
    void sendsProbesUntilClosed() throws Exception {
        try (DatagramChannel router = DatagramChannel.open()) {
            router.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketProbe probe = new SocketProbe(1);
            probe.start((InetSocketAddress) router.getLocalAddress());
            try {
                ByteBuffer in = ByteBuffer.allocate(64);
                for (int i = 0; i < 3; i++) {
                    in.clear();
                    router.receive(in);
                    in.flip();
                    ByteBuf b = Unpooled.wrappedBuffer(in);
                    assertThat(SocketProbe.shaped(b)).isTrue();
                    assertThat(probe.sentAt(b, 0)).isPositive().isLessThanOrEqualTo(System.nanoTime());
                }
            } finally {
                probe.close();
            }
        }
    }
}
