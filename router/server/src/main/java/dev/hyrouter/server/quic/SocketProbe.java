package dev.hyrouter.server.quic;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how long a datagram waits in the router's own socket receive buffers, the queue a
 * rush builds first (issue 32). Netty's epoll datagram channel does not expose the kernel's
 * receive timestamps, so the router sends itself a small datagram every {@link #PERIOD_NANOS}
 * carrying the time it was sent; the event loop that reads it ({@link InitialPeek}) takes the
 * difference, which is exactly the wait of a client's datagram that arrived at the same moment
 * (one FIFO queue per socket). The door sheds on it ({@link IntakeContext.LoopState#socketDelay})
 * and {@code hyrouter_socket_queue_delay_seconds} shows it.
 *
 * <p>A probe is {@value #LENGTH} bytes whose first byte is 0 (the QUIC fixed bit clear: never a
 * QUIC v1 packet), then a 128-bit secret drawn at start, the send time and the probe socket's
 * index. A datagram from anyone else that looks like one lacks the secret and goes on to the QUIC
 * codec, which drops it: no client can forge a delay and make the router shed.
 *
 * <p>With SO_REUSEPORT the kernel picks the router socket by the sender's address, so the prober
 * starts with several probe sockets of its own ({@link #probeSockets}) and, once each router
 * socket has read from one of them, sends from one per router socket only (20 datagrams per
 * second each). A send that fails (no loopback route, a firewall) ends the prober with a warning:
 * the door's other signals still work.
 */
final class SocketProbe implements AutoCloseable {
    static final int LENGTH = 32;
    /**
     * 50 ms: the door acts on waits of hundreds of milliseconds. At 20 ms the prober's thread
     * took 3.6 µs of CPU per session on the saturation bench (each loopback send also does the
     * receiving side's kernel work and wakes the loop), 0.7 % of the router's CPU.
     */
    static final long PERIOD_NANOS = 50_000_000L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SocketProbe.class);

    private final long secretHigh;
    private final long secretLow;
    /** Router sockets (one per event loop). */
    private final int routerSockets;
    /** Per probe socket: the router socket that last read from it, plus one (0 = none yet). */
    private final AtomicIntegerArray readBy;
    private volatile Thread thread;
    private volatile boolean closed;

    SocketProbe(int routerSockets) {
        SecureRandom random = new SecureRandom();
        this.secretHigh = random.nextLong();
        this.secretLow = random.nextLong();
        this.routerSockets = routerSockets;
        this.readBy = new AtomicIntegerArray(probeSockets(routerSockets));
    }

    /** Probe sockets for {@code routerSockets}: one suffices for one; with more, enough that the kernel's hash reaches each. */
    static int probeSockets(int routerSockets) {
        return routerSockets <= 1 ? 1 : Math.min(64, 8 * routerSockets);
    }

    /** Whether {@code b} has a probe's shape (checked before the secret: one comparison for every other datagram). */
    static boolean shaped(ByteBuf b) {
        return b.readableBytes() == LENGTH && b.getByte(b.readerIndex()) == 0;
    }

    /**
     * The send time of the probe {@code b} (a {@link #shaped} datagram) read by router socket
     * {@code socket}, or {@code -1} when it does not carry this router's secret.
     */
    long sentAt(ByteBuf b, int socket) {
        int r = b.readerIndex();
        // Both halves compared whatever the first says: no early exit to time.
        if (((b.getLong(r + 1) ^ secretHigh) | (b.getLong(r + 9) ^ secretLow)) != 0) {
            return -1;
        }
        int index = b.getUnsignedShort(r + 25);
        if (index < readBy.length() && readBy.get(index) != socket + 1) {
            readBy.lazySet(index, socket + 1);
        }
        return b.getLong(r + 17);
    }

    /** Writes a probe from probe socket {@code index} sent at {@code now} into {@code out} (cleared, then flipped). */
    void encode(ByteBuffer out, int index, long now) {
        out.clear();
        out.put((byte) 0).putLong(secretHigh).putLong(secretLow).putLong(now).putShort((short) index);
        while (out.position() < LENGTH) {
            out.put((byte) 0);
        }
        out.flip();
    }

    /** Where to send probes for a router bound to {@code bound}: its own address, or loopback when it listens on every address. */
    static InetSocketAddress target(InetSocketAddress bound) {
        InetAddress a = bound.getAddress();
        if (a == null || a.isAnyLocalAddress()) {
            a = a instanceof Inet6Address ? loopback6() : loopback4();
        }
        return new InetSocketAddress(a, bound.getPort());
    }

    private static InetAddress loopback4() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Starts sending to the router bound at {@code bound}, on a daemon thread of its own. */
    void start(InetSocketAddress bound) {
        InetSocketAddress to = target(bound);
        Thread t = new Thread(() -> run(to), "hyrouter-socket-probe");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run(InetSocketAddress to) {
        List<DatagramChannel> sockets = new ArrayList<>();
        try {
            StandardProtocolFamily family = to.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
            for (int i = 0; i < readBy.length(); i++) {
                DatagramChannel ch = DatagramChannel.open(family);
                sockets.add(ch);
                ch.connect(to);
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(LENGTH);
            boolean[] covered = new boolean[routerSockets + 1];
            long next = System.nanoTime();
            while (!closed) {
                java.util.Arrays.fill(covered, false);
                int reached = 0;
                for (int i = 0; i < readBy.length(); i++) {
                    int by = readBy.get(i);
                    if (by > 0 && by <= routerSockets && !covered[by]) {
                        covered[by] = true;
                        reached++;
                    }
                }
                java.util.Arrays.fill(covered, false);
                for (int i = 0; i < sockets.size(); i++) {
                    DatagramChannel ch = sockets.get(i);
                    if (ch == null) {
                        continue;
                    }
                    int by = readBy.get(i);
                    // Once every router socket has been reached, one probe socket each (the others
                    // closed: the kernel keeps a sender's socket choice while the router's sockets
                    // stay bound); until then, all of them.
                    if (reached == routerSockets && (by <= 0 || by > routerSockets || covered[by])) {
                        ch.close();
                        sockets.set(i, null);
                        continue;
                    }
                    if (by > 0 && by <= routerSockets) {
                        covered[by] = true;
                    }
                    encode(buf, i, System.nanoTime());
                    ch.write(buf);
                }
                next += PERIOD_NANOS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warn("the socket queue probe stopped ({}): hyrouter_socket_queue_delay_seconds stays 0 and the door sheds on its"
                        + " other signals (a full socket, slow handshakes); check that the router can send UDP to {}", e.toString(), to);
            }
        } finally {
            for (DatagramChannel ch : sockets) {
                try {
                    if (ch != null) {
                        ch.close();
                    }
                } catch (IOException ignored) {
                    // Closing a datagram socket has nothing to flush.
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
