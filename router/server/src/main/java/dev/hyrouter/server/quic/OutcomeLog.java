package dev.hyrouter.server.quic;

import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.routing.Backend;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One info line per connection outcome, speaking to an operator: SNI, decision, route, backend
 * or reason; the client address only while {@code logging.log_client_ip} is on. Never an
 * identity token or a secret.
 *
 * <p>Event loops do not format or log: they write a fixed binary record into a many-to-one
 * ring buffer (no lock, no allocation for ASCII names) and go on; one agent thread drains it and
 * writes the lines. When the buffer is full the record is dropped and counted, never waited for.
 * Debug lines (packets, stream errors) are rare and logged directly.
 */
final class OutcomeLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter.outcome");
    private static final int CAPACITY = 1 << 20;
    private static final ManyToOneRingBuffer RING =
            new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH)));
    private static final AtomicLong DROPPED = new AtomicLong();
    /** Every line dropped since start, for the metric (DROPPED is reset by each warning). */
    private static final AtomicLong DROPPED_TOTAL = new AtomicLong();
    private static final OutcomeKind[] KINDS = OutcomeKind.values();

    static {
        Thread agent = new Thread(OutcomeLog::drainForever, "hyrouter-outcome-log");
        agent.setDaemon(true);
        agent.start();
    }

    private OutcomeLog() {
    }

    private static String client(ConnectionHandler c, boolean logClientIp) {
        return logClientIp ? c.clientText() : "";
    }

    static void referral(ConnectionHandler c, boolean ip, int route, Backend b, int contentLength) {
        if (LOG.isInfoEnabled()) {
            write(OutcomeRecord.REFERRAL, route, b.port(), contentLength, 0, c.sni(), b.host(), client(c, ip), false);
        }
    }

    static void disconnect(ConnectionHandler c, boolean ip, int route, OutcomeKind kind, String reason) {
        if (LOG.isInfoEnabled()) {
            write(OutcomeRecord.DISCONNECT, route, 0, 0, kind.ordinal(), c.sni(), reason, client(c, ip), true);
        }
    }

    static void refused(ConnectionHandler c, boolean ip, String why) {
        if (LOG.isInfoEnabled()) {
            write(OutcomeRecord.REFUSED, -1, 0, 0, 0, c.sni(), why, client(c, ip), true);
        }
    }

    private static void write(int type, int route, int port, int contentBytes, int kind, String sni, String text, String client,
            boolean utf8Text) {
        int max = OutcomeRecord.maxLength(sni, text, client);
        int index = max > RING.maxMsgLength() ? -1 : RING.tryClaim(type, max);
        if (index < 0) {
            DROPPED.incrementAndGet();
            return;
        }
        MutableDirectBuffer b = RING.buffer();
        b.putInt(index + OutcomeRecord.ROUTE_OFFSET, route);
        b.putInt(index + OutcomeRecord.PORT_OFFSET, port);
        b.putInt(index + OutcomeRecord.CONTENT_BYTES_OFFSET, contentBytes);
        b.putInt(index + OutcomeRecord.KIND_OFFSET, kind);
        int at = index + OutcomeRecord.STRINGS_OFFSET;
        at += b.putStringAscii(at, sni);
        at += utf8Text ? b.putStringUtf8(at, text) : b.putStringAscii(at, text);
        b.putStringAscii(at, client);
        RING.commit(index);
    }

    /** Waits (up to {@code timeoutMillis}) until the agent has written every line queued so far; for shutdown. */
    static void flush(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (RING.size() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
    }

    /** Outcome lines dropped since start because the ring buffer was full. */
    static long droppedTotal() {
        return DROPPED_TOTAL.get() + DROPPED.get();
    }

    private static void drainForever() {
        // Back off while idle (up to 10 ms: a log line may wait that long) so the agent costs the
        // event loops no CPU when there is nothing to write.
        long minIdle = TimeUnit.MICROSECONDS.toNanos(100);
        long maxIdle = TimeUnit.MILLISECONDS.toNanos(10);
        long idle = minIdle;
        while (true) {
            int read = RING.read(OutcomeLog::emit, 256);
            long dropped = DROPPED.getAndSet(0);
            if (dropped > 0) {
                DROPPED_TOTAL.addAndGet(dropped);
                LOG.warn("{} outcome log line(s) dropped: the log could not keep up with the connection rate", dropped);
            }
            if (read == 0) {
                LockSupport.parkNanos(idle);
                idle = Math.min(maxIdle, idle * 2);
            } else {
                idle = minIdle;
            }
        }
    }

    private static void emit(int type, org.agrona.MutableDirectBuffer b, int index, int length) {
        int route = b.getInt(index + OutcomeRecord.ROUTE_OFFSET);
        int at = index + OutcomeRecord.STRINGS_OFFSET;
        String sni = b.getStringAscii(at);
        at += OutcomeRecord.LENGTH_PREFIX + sni.length();
        String text;
        if (type == OutcomeRecord.REFERRAL) {
            text = b.getStringAscii(at);
            at += OutcomeRecord.LENGTH_PREFIX + text.length();
        } else {
            int len = b.getInt(at);
            text = b.getStringUtf8(at, len);
            at += OutcomeRecord.LENGTH_PREFIX + len;
        }
        String client = b.getStringAscii(at);
        String clientPart = client.isEmpty() ? "" : " client=" + client;
        switch (type) {
            case OutcomeRecord.REFERRAL -> LOG.info("referral sni={} route={} backend={}:{} content_bytes={}{}", sni,
                    route < 0 ? "default" : Integer.toString(route), text, b.getInt(index + OutcomeRecord.PORT_OFFSET),
                    b.getInt(index + OutcomeRecord.CONTENT_BYTES_OFFSET), clientPart);
            case OutcomeRecord.DISCONNECT -> LOG.info("disconnect sni={} decision={} route={} reason=\"{}\"{}", sni,
                    KINDS[b.getInt(index + OutcomeRecord.KIND_OFFSET)].name().toLowerCase(Locale.ROOT),
                    route < 0 ? "-" : Integer.toString(route), text, clientPart);
            default -> LOG.info("disconnect sni={} decision=invalid_stream detail=\"{}\"{}", sni, text, clientPart);
        }
    }

    static void undecodable(ConnectionHandler c, boolean ip, int payloadLength) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("undecodable Connect of {} bytes (sni={}); routing on the SNI alone, plugins skipped{}", payloadLength, c.sni(),
                    ip ? " client=" + c.clientText() : "");
        }
    }

    static void packet(ConnectionHandler c, boolean ip, int packetId, int payloadLength) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("rx packet sni={} id={} ({}) payload_bytes={}{}", c.sni(), packetId, dev.hyrouter.codec.PacketIds.name(packetId),
                    payloadLength, ip ? " client=" + c.clientText() : "");
        }
    }

    static void streamError(ConnectionHandler c, boolean ip, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("stream error sni={}: {}{}", c.sni(), cause.toString(), ip ? " client=" + c.clientText() : "");
        }
    }
}
