package dev.hyrouter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatagramCounterTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5520);

    @Test
    void countsWhatReachesTheWireInEachDirection() {
        DatagramCounter counter = new DatagramCounter();
        EmbeddedChannel ch = new EmbeddedChannel(counter);
        ch.writeOutbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[1200]), PEER));
        // Netty's QUIC codec writes an empty datagram when a client connection closes; a datagram
        // channel sends nothing for it, so neither does the count.
        ch.writeOutbound(new DatagramPacket(Unpooled.EMPTY_BUFFER, PEER));
        ch.writeOutbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[42]), PEER));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[479]), PEER, PEER));

        DatagramCounter.Totals t = DatagramCounter.Totals.of(List.of(counter));
        assertThat(t.sent()).isEqualTo(2);
        assertThat(t.sentBytes()).isEqualTo(1242);
        assertThat(t.received()).isEqualTo(1);
        assertThat(t.receivedBytes()).isEqualTo(479);
        assertThat(ch.outboundMessages()).as("every write still goes on to the socket").hasSize(3);
        ch.finishAndReleaseAll();
    }
}
