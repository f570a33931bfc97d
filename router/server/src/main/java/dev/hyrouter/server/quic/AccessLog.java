package dev.hyrouter.server.quic;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonWriter;
import com.dslplatform.json.NumberConverter;
import dev.hyrouter.config.LoggingConfig;
import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.util.LogText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one entry per connection outcome ({@code logging.access_log}). Event loops
 * only write a fixed binary record into a many-to-one ring buffer (no lock, no formatting, no
 * allocation for ASCII names) and go on; a full ring drops the record and counts it, never
 * waits. One agent thread turns a whole batch of records into bytes (text lines for
 * {@code stdout}, JSON lines for a file) and writes them with one write call.
 *
 * <p>The agent costs nothing when idle: once the ring is empty after a quiet linger it parks
 * without a timeout, and the next record wakes it (one unpark, by whichever event loop sees it
 * asleep). Under load it wakes once per linger ({@value #LINGER_MILLIS} ms) and takes
 * everything that arrived meanwhile, so the number of wake-ups and writes does not grow with
 * the connection rate. A line may thus be written up to that long after its outcome; its
 * timestamp is the outcome's.
 */
final class AccessLog {
    static final int DEFAULT_CAPACITY = 1 << 20;
    static final long LINGER_MILLIS = 50;
    /** Bytes gathered before a write call, so one batch is a few large writes rather than a line each. */
    private static final int WRITE_CHUNK = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final OutcomeKind[] KINDS = OutcomeKind.values();
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);

    /** Where a batch of bytes goes; written only by the agent. */
    interface Sink extends AutoCloseable {
        void write(byte[] bytes, int length) throws IOException;

        @Override
        default void close() throws IOException {
        }
    }

    /** Standard output through {@link System#out}, so batches never interleave inside a line of the other logs. */
    static Sink stdout() {
        return (bytes, length) -> {
            PrintStream out = System.out;
            out.write(bytes, 0, length);
            out.flush();
        };
    }

    /** A file opened for appending (created if absent). */
    static Sink file(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new Sink() {
            @Override
            public void write(byte[] bytes, int length) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    private static final Target OFF = new Target(null, false);

    private final ManyToOneRingBuffer ring;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final Thread agent;
    private final JsonWriter out = new DslJson<>().newWriter(WRITE_CHUNK + 4096);
    /** Whether the agent is between taking records and having written them; for {@link #flush}. */
    private volatile boolean busy;
    /** Sink and format together, so a reader never sees one target's sink with the other's format. */
    private volatile Target target;
    /** Targets replaced by {@link #configure}; the agent closes them once it no longer writes to them. */
    private final java.util.Queue<Target> retired = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private long droppedReported;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedPrefix = new byte[0];
    private boolean cachedForJson;
    private final Logger textLogger;
    /** The agent's scratch for escaping one value. */
    private final StringBuilder scratch = new StringBuilder(512);

    /** Set by {@link #close}: the agent writes what is queued, closes its target and ends. */
    private volatile boolean closing;

    /**
     * A log writing to {@code first} from its first record; one per intake, so each router in a
     * process has its own ring, agent thread, target and drop count, ended by {@link #close}.
     */
    AccessLog(int capacity, Logger textLogger, Target first) {
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        this.textLogger = textLogger;
        this.target = first;
        this.agent = new Thread(this::drainForever, "hyrouter-access-log");
        agent.setDaemon(true);
        agent.start();
    }

    /** The ring of a {@link #discardingTwin}: the warm-up's outcomes are few at a time. */
    private static final int TWIN_CAPACITY = 1 << 16;

    /**
     * A log on exactly when this one is (its target's format; off when it is off) whose agent
     * formats each record and then drops it: the start-up warm-up's, so that its sessions run the
     * code a player's runs, and the agent's formatting is compiled before the first player's line.
     */
    AccessLog discardingTwin() {
        Target t = target;
        return new AccessLog(TWIN_CAPACITY, textLogger, t.sink() == null ? OFF : new Target((bytes, length) -> { }, t.json()));
    }

    /**
     * Writes what is queued (waiting up to {@code timeoutMillis}), then ends the agent and closes
     * the target; from then on {@link #enabled} is false, so nothing more is recorded. Idempotent.
     */
    void close(long timeoutMillis) throws InterruptedException {
        flush(timeoutMillis);
        configure(OFF); // the previous target is retired: the agent writes what is left and closes it on its way out
        closing = true;
        LockSupport.unpark(agent);
        agent.join(timeoutMillis);
    }

    /** Where the log goes: a sink ({@code null} = off) and whether it takes JSON lines. */
    record Target(Sink sink, boolean json) {
        /** Closes the sink (a target replaced, or opened for a reload that was then refused). */
        void discard() {
            if (sink != null) {
                try {
                    sink.close();
                } catch (Exception e) {
                    LOG.warn("access log: closing a previous or unused target failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Opens {@code target} ({@code stdout}, {@code off} or a file path); a file is opened anew
     * even when the path is unchanged, so a reload after a rotation starts a new file.
     */
    static Target open(String target) throws IOException {
        if (LoggingConfig.OFF.equals(target)) {
            return OFF;
        }
        if (LoggingConfig.STDOUT.equals(target)) {
            return new Target(stdout(), false);
        }
        return new Target(file(Path.of(target)), true);
    }

    /** Makes {@code next} the target from the next batch on; the previous one is closed by the agent. */
    void configure(Target next) {
        Target previous = target;
        target = next;
        if (previous.sink() != null && previous.sink() != next.sink()) {
            retired.add(previous); // the agent may be writing to it right now
            wake();
        }
    }

    /**
     * Whether outcomes should be recorded now: a file always; standard output while the
     * {@code dev.hyrouter.outcome} logger is at info or finer (so {@code -log-level warn} keeps
     * silencing it, as before).
     */
    boolean enabled() {
        Target t = target;
        return t.sink() != null && (t.json() || textLogger.isInfoEnabled());
    }

    void referral(String sni, String host, int port, int route, int contentLength, String client) {
        write(OutcomeRecord.REFERRAL, route, port, contentLength, 0, sni, host, client);
    }

    void disconnect(String sni, int route, OutcomeKind kind, String reason, String client) {
        write(OutcomeRecord.DISCONNECT, route, 0, 0, kind.ordinal(), sni, reason, client);
    }

    void refused(String sni, String detail, String client) {
        write(OutcomeRecord.REFUSED, -1, 0, 0, 0, sni, detail, client);
    }

    private void write(int type, int route, int port, int contentBytes, int kind, String sni, String text, String client) {
        int textCap = type == OutcomeRecord.REFERRAL ? OutcomeRecord.HOST_CAP : LogText.PLUGIN_CAP;
        int max = OutcomeRecord.maxLength(sni, text, textCap, client);
        int index = max > ring.maxMsgLength() ? -1 : ring.tryClaim(type, max);
        if (index < 0) {
            dropped.incrementAndGet();
            return;
        }
        MutableDirectBuffer b = ring.buffer();
        b.putLong(index + OutcomeRecord.TIME_OFFSET, System.currentTimeMillis());
        b.putInt(index + OutcomeRecord.ROUTE_OFFSET, route);
        b.putInt(index + OutcomeRecord.PORT_OFFSET, port);
        b.putInt(index + OutcomeRecord.CONTENT_BYTES_OFFSET, contentBytes);
        b.putInt(index + OutcomeRecord.KIND_OFFSET, kind);
        int at = index + OutcomeRecord.STRINGS_OFFSET;
        at += OutcomeRecord.putString(b, at, sni, LogText.CLIENT_CAP);
        at += OutcomeRecord.putString(b, at, text, textCap);
        OutcomeRecord.putString(b, at, client, OutcomeRecord.CLIENT_ADDRESS_CAP);
        ring.commit(index);
        if (sleeping.get()) {
            wake();
        }
    }

    private void wake() {
        if (sleeping.compareAndSet(true, false)) {
            LockSupport.unpark(agent);
        }
    }

    /** The agent thread's state: {@code WAITING} (no timeout) once idle; for tests. */
    Thread.State agentState() {
        return agent.getState();
    }

    /** Records dropped since start because the ring was full. */
    long droppedTotal() {
        return dropped.get();
    }

    /** Waits (up to {@code timeoutMillis}) until every record queued so far is written; for shutdown and tests. */
    void flush(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        wake();
        while ((ring.size() > 0 || busy) && System.nanoTime() - deadline < 0) {
            Thread.sleep(2);
            wake();
        }
    }

    private void drainForever() {
        long linger = TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
        while (!closing) {
            busy = true;
            int taken = 0;
            try {
                taken = drainOnce();
            } catch (RuntimeException e) {
                LOG.warn("access log: a batch could not be written: {}", e.toString());
            } finally {
                busy = false;
            }
            closeRetired();
            reportDrops();
            if (taken > 0) {
                LockSupport.parkNanos(linger);
                continue;
            }
            sleeping.set(true);
            if (ring.size() > 0 || !retired.isEmpty()) { // arrived between the drain and the flag: no wake-up is coming
                sleeping.set(false);
                continue;
            }
            if (closing) {
                break;
            }
            LockSupport.park();
            sleeping.set(false);
        }
        // Closing (the loops have stopped): if the loop above ended before taking the switched-off
        // target's last records and closing it, that happens here.
        Target last = retired.peek();
        try {
            if (last != null) {
                drainTo(last);
            }
        } catch (RuntimeException e) {
            LOG.warn("access log: the last batch could not be written: {}", e.toString());
        }
        closeRetired();
        reportDrops();
    }

    /** Takes every record in the ring, formats and writes them; returns how many. */
    private int drainOnce() {
        return drainTo(target);
    }

    private int drainTo(Target t) {
        Sink s = t.sink();
        boolean asJson = t.json();
        out.reset();
        int total = 0;
        int n;
        do {
            n = ring.read((type, b, index, length) -> format(type, b, index, asJson), 1024);
            total += n;
            if (out.size() >= WRITE_CHUNK) {
                emit(s);
            }
        } while (n > 0);
        emit(s);
        return total;
    }

    private void emit(Sink s) {
        if (out.size() == 0) {
            return;
        }
        if (s != null) {
            try {
                s.write(out.getByteBuffer(), out.size());
            } catch (IOException e) {
                LOG.warn("access log: could not write {} bytes: {}; these entries are lost", out.size(), e.toString());
            }
        }
        out.reset();
    }

    private void closeRetired() {
        Target r;
        while ((r = retired.poll()) != null) {
            r.discard();
        }
    }

    private void reportDrops() {
        long total = dropped.get();
        if (total > droppedReported) {
            LOG.warn("{} access log entr(ies) dropped: the log could not keep up with the connection rate"
                    + " (hyrouter_access_log_dropped_total counts them)", total - droppedReported);
            droppedReported = total;
        }
    }

    private void format(int type, MutableDirectBuffer b, int index, boolean asJson) {
        long millis = b.getLong(index + OutcomeRecord.TIME_OFFSET);
        int route = b.getInt(index + OutcomeRecord.ROUTE_OFFSET);
        int at = index + OutcomeRecord.STRINGS_OFFSET;
        int len = b.getInt(at);
        String sni = b.getStringUtf8(at, len);
        at += OutcomeRecord.LENGTH_PREFIX + len;
        len = b.getInt(at);
        String text = b.getStringUtf8(at, len);
        at += OutcomeRecord.LENGTH_PREFIX + len;
        String client = b.getStringAscii(at);
        if (asJson) {
            json(type, b, index, millis, route, sni, text, client);
        } else {
            text(type, b, index, millis, route, sni, text, client);
        }
    }

    /**
     * {@code 2026-11-30T12:00:00.123Z INFO  outcome - referral sni=... route=0 backend=host:port content_bytes=12 client=...};
     * every value a client or a plugin chose is a logfmt value ({@link LogText#value}), so no field starts a line.
     */
    private void text(int type, MutableDirectBuffer b, int index, long millis, int route, String sni, String text, String client) {
        timestamp(millis, false);
        out.writeAscii(" INFO  outcome - ");
        switch (type) {
            case OutcomeRecord.REFERRAL -> {
                out.writeAscii("referral sni=");
                logfmt(sni);
                out.writeAscii(" route=");
                routeText(route, "default");
                out.writeAscii(" backend=");
                // host:port as one value, quoted as a whole when the host needs it.
                logfmt(text + ':' + b.getInt(index + OutcomeRecord.PORT_OFFSET));
                out.writeAscii(" content_bytes=");
                NumberConverter.serialize(b.getInt(index + OutcomeRecord.CONTENT_BYTES_OFFSET), out);
            }
            case OutcomeRecord.DISCONNECT -> {
                out.writeAscii("disconnect sni=");
                logfmt(sni);
                out.writeAscii(" decision=");
                out.writeAscii(KINDS[b.getInt(index + OutcomeRecord.KIND_OFFSET)].label());
                out.writeAscii(" route=");
                routeText(route, "-");
                out.writeAscii(" reason=");
                jsonString(text); // always quoted, as before: a reason is a sentence
            }
            default -> {
                out.writeAscii("disconnect sni=");
                logfmt(sni);
                out.writeAscii(" decision=invalid_stream detail=");
                jsonString(text); // always quoted, as before: a reason is a sentence
            }
        }
        if (!client.isEmpty()) {
            out.writeAscii(" client=");
            logfmt(client);
        }
        out.writeByte((byte) '\n');
    }

    /** One JSON object per line: time, event, sni, then the outcome's fields; client only while logged. */
    private void json(int type, MutableDirectBuffer b, int index, long millis, int route, String sni, String text, String client) {
        out.writeAscii("{\"time\":\"");
        timestamp(millis, true);
        out.writeAscii("\",\"event\":\"");
        out.writeAscii(type == OutcomeRecord.REFERRAL ? "referral" : "disconnect");
        out.writeAscii("\",\"sni\":");
        jsonString(sni);
        switch (type) {
            case OutcomeRecord.REFERRAL -> {
                out.writeAscii(",\"route\":");
                routeJson(route, "default");
                out.writeAscii(",\"backend_host\":");
                jsonString(text);
                out.writeAscii(",\"backend_port\":");
                NumberConverter.serialize(b.getInt(index + OutcomeRecord.PORT_OFFSET), out);
                out.writeAscii(",\"content_bytes\":");
                NumberConverter.serialize(b.getInt(index + OutcomeRecord.CONTENT_BYTES_OFFSET), out);
            }
            case OutcomeRecord.DISCONNECT -> {
                out.writeAscii(",\"decision\":\"");
                out.writeAscii(KINDS[b.getInt(index + OutcomeRecord.KIND_OFFSET)].label());
                out.writeAscii("\"");
                if (route >= 0) {
                    out.writeAscii(",\"route\":");
                    NumberConverter.serialize(route, out);
                }
                out.writeAscii(",\"reason\":");
                jsonString(text);
            }
            default -> {
                out.writeAscii(",\"decision\":\"invalid_stream\",\"detail\":");
                jsonString(text);
            }
        }
        if (!client.isEmpty()) {
            out.writeAscii(",\"client\":");
            jsonString(client);
        }
        out.writeAscii("}\n");
    }

    private void logfmt(String s) {
        scratch.setLength(0);
        utf8(LogText.value(scratch, s, Integer.MAX_VALUE));
    }

    private void jsonString(String s) {
        scratch.setLength(0);
        utf8(LogText.json(scratch, s, Integer.MAX_VALUE));
    }

    /** Writes escaped text (valid UTF-16: LogText leaves no lone surrogate) as UTF-8. */
    private void utf8(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out.writeByte((byte) c);
            } else if (c < 0x800) {
                out.writeByte((byte) (0xc0 | c >> 6));
                out.writeByte((byte) (0x80 | c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.writeByte((byte) (0xf0 | cp >> 18));
                out.writeByte((byte) (0x80 | cp >> 12 & 0x3f));
                out.writeByte((byte) (0x80 | cp >> 6 & 0x3f));
                out.writeByte((byte) (0x80 | cp & 0x3f));
            } else {
                out.writeByte((byte) (0xe0 | c >> 12));
                out.writeByte((byte) (0x80 | c >> 6 & 0x3f));
                out.writeByte((byte) (0x80 | c & 0x3f));
            }
        }
    }

    private void routeText(int route, String none) {
        if (route < 0) {
            out.writeAscii(none);
        } else {
            NumberConverter.serialize(route, out);
        }
    }

    private void routeJson(int route, String none) {
        if (route < 0) {
            out.writeString(none);
        } else {
            NumberConverter.serialize(route, out);
        }
    }

    /**
     * The time as the console log writes it ({@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX}, local zone)
     * for text, UTC for JSON; the part up to the second is formatted once per second.
     */
    private void timestamp(long millis, boolean utc) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond || utc != cachedForJson) {
            ZoneId zone = utc ? java.time.ZoneOffset.UTC : ZoneId.systemDefault();
            String full = TEXT_TIME.withZone(zone).format(Instant.ofEpochSecond(second));
            // "yyyy-MM-ddTHH:mm:ss" + ".000" + zone: keep the parts around the milliseconds.
            cachedPrefix = full.getBytes(StandardCharsets.US_ASCII);
            cachedSecond = second;
            cachedForJson = utc;
        }
        byte[] p = cachedPrefix;
        int dot = 19; // index of '.'
        out.writeAscii(p, dot + 1);
        int ms = (int) Math.floorMod(millis, 1000);
        out.writeByte((byte) ('0' + ms / 100));
        out.writeByte((byte) ('0' + ms / 10 % 10));
        out.writeByte((byte) ('0' + ms % 10));
        for (int i = dot + 4; i < p.length; i++) {
            out.writeByte(p[i]);
        }
    }
}
