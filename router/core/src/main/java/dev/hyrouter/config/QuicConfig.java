package dev.hyrouter.config;

import java.time.Duration;

/**
 * {@code quic}: the original's {@code max_idle_timeout} plus our intake limits.
 *
 * @param maxIdleTimeout  QUIC idle timeout (default 30s)
 * @param maxFrameBytes   largest frame payload buffered before a Connect (default 64 KiB)
 * @param connectTimeout  how long a stream may take to deliver its Connect (default 5s)
 * @param eventLoops      event loops serving the port; 0 = one per available processor
 * @param closeAfterAnswer how long a connection may stay open after its answer was sent, waiting
 *                        for the client to close it (default 5s)
 * @param socketBufferBytes UDP receive/send buffer per socket (default 4 MiB; the kernel caps it at
 *                        net.core.rmem_max/wmem_max): bursts of handshakes overflow small buffers
 * @param addressValidation send a Retry and require the client to prove its address before any
 *                        connection state exists (default off: costs one round trip)
 * @param datagramsPerRead datagrams taken from the socket per system call on epoll (recvmmsg when
 *                        above 1; default {@link #DEFAULT_DATAGRAMS_PER_READ})
 * @param udpGro          let the kernel coalesce a peer's consecutive datagrams into one read (UDP
 *                        GRO, epoll only; default off)
 * @param gsoSegments     datagrams of one connection sent as one segmented write (UDP GSO, epoll
 *                        only); 0 or 1 = off (default {@link #DEFAULT_GSO_SEGMENTS})
 * @param earlyData       let a resuming client send its Connect as 0-RTT early data; such a Connect
 *                        is decided only once the handshake completes, so a replay gets no decision
 *                        (default off)
 */
public record QuicConfig(Duration maxIdleTimeout, int maxFrameBytes, Duration connectTimeout, int eventLoops,
        Duration closeAfterAnswer, int socketBufferBytes, boolean addressValidation, int datagramsPerRead,
        boolean udpGro, int gsoSegments, boolean earlyData) {

    public static final int DEFAULT_DATAGRAMS_PER_READ = 1;
    public static final int DEFAULT_GSO_SEGMENTS = 0;
    /** Bytes per datagram slot in a batched read: a 1,500-byte MTU path's largest and then some. */
    public static final int DATAGRAM_SLOT_BYTES = 2048;
}
