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
    void sendsTimestampedProbesToTheRouterAddress() throws Exception {
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

    @Test
    void withSeveralRouterSocketsOnOnePortEachIsReachedThenFedByOneProbeSocket() throws Exception {
        // Two sockets on one port, as the router's event loops bind it: the kernel picks one by the sender's address.
        java.nio.channels.Selector selector = java.nio.channels.Selector.open();
        DatagramChannel[] router = new DatagramChannel[2];
        int port = 0;
        for (int i = 0; i < router.length; i++) {
            router[i] = DatagramChannel.open();
            router[i].setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
            router[i].bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            port = ((InetSocketAddress) router[i].getLocalAddress()).getPort();
            router[i].configureBlocking(false);
            router[i].register(selector, java.nio.channels.SelectionKey.OP_READ, i);
        }
        SocketProbe probe = new SocketProbe(router.length);
        // Per router socket, the probe sockets (source ports) it heard from in the current stretch.
        java.util.List<java.util.Set<Integer>> senders = java.util.List.of(new java.util.HashSet<>(), new java.util.HashSet<>());
        ByteBuffer in = ByteBuffer.allocate(64);
        probe.start(new InetSocketAddress("0.0.0.0", port));
        try {
            // Until both are reached (with 16 probe sockets, a router socket missed by all has odds of 2^-16) ...
            readProbes(selector, router, probe, in, senders, () -> !senders.get(0).isEmpty() && !senders.get(1).isEmpty());
            // ... then, once the prober has seen that, one probe socket each: 40 probes (20 periods), each socket from one port.
            senders.forEach(java.util.Set::clear);
            int[] count = new int[2];
            readProbes(selector, router, probe, in, senders, () -> {
                if (senders.get(0).size() > 1 || senders.get(1).size() > 1) {
                    // Still the discovery's burst: start the stretch again.
                    senders.forEach(java.util.Set::clear);
                    count[0] = 0;
                }
                return ++count[0] > 40;
            });
            assertThat(senders.get(0)).hasSize(1);
            assertThat(senders.get(1)).hasSize(1);
        } finally {
            probe.close();
            for (DatagramChannel ch : router) {
                ch.close();
            }
            selector.close();
        }
    }

    /** Reads probes as the router's loops would (each socket with its index) until {@code done}, at most 30 s. */
    private static void readProbes(java.nio.channels.Selector selector, DatagramChannel[] router, SocketProbe probe, ByteBuffer in,
            java.util.List<java.util.Set<Integer>> senders, java.util.function.BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            selector.select(100);
            for (java.nio.channels.SelectionKey key : selector.selectedKeys()) {
                int i = (Integer) key.attachment();
                in.clear();
                InetSocketAddress from = (InetSocketAddress) router[i].receive(in);
                if (from == null) {
                    continue;
                }
                in.flip();
                ByteBuf b = Unpooled.wrappedBuffer(in);
                assertThat(SocketProbe.shaped(b)).isTrue();
                assertThat(probe.sentAt(b, i)).isNotEqualTo(-1);
                senders.get(i).add(from.getPort());
                if (done.getAsBoolean()) {
                    return;
                }
            }
            selector.selectedKeys().clear();
        }
        throw new AssertionError("the probes did not settle within 30 s: " + senders);
    }
}
