package dev.hyrouter.server.quic;

import dev.hyrouter.config.LimitsConfig;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-source admission: live connections per source and new connections per second per source
 * (a GCRA token bucket: one timestamp per source, advanced by CAS). A source is an IPv4 address
 * or an IPv6 /64, since one IPv6 host usually owns a whole /64.
 *
 * <p>Shared by every event loop because SO_REUSEPORT spreads one address's connections over all
 * loops by source port; the table is a {@link ConcurrentHashMap} read without locks, with one
 * entry per source (allocated when a source first appears, not per connection: lookups use a
 * per-loop probe key), whose atomics only contend when one source's connections arrive on two
 * loops at the same instant. Idle sources are swept by {@link #sweep()} off the event loops.
 */
final class SourceLimits {
    /** A refused admission, by the limit that refused it. */
    enum Refusal {
        MAX_CONNECTIONS("max_connections"),
        MAX_CONNECTIONS_PER_IP("max_connections_per_ip"),
        NEW_CONNECTIONS_PER_IP("new_connections_per_ip"),
        /** The event loop has a standing queue (its fastest recent handshakes took longer than the target): shed. */
        HANDSHAKE_QUEUE("handshake_queue_target"),
        /** The event loop's share of handshakes under way is taken. */
        MAX_HANDSHAKES_IN_PROGRESS("max_handshakes_in_progress");

        final String key;

        Refusal(String key) {
            this.key = key;
        }
    }

    /** Marks a swept entry: an acquirer that sees it looks the source up again. */
    private static final int RETIRED = Integer.MIN_VALUE / 2;

    private final ConcurrentHashMap<Key, Source> sources = new ConcurrentHashMap<>();
    private final LongSupplier clockNanos;
    private final FastThreadLocal<Key> probes = new FastThreadLocal<>() {
        @Override
        protected Key initialValue() {
            return new Key();
        }
    };

    SourceLimits() {
        this(System::nanoTime);
    }

    SourceLimits(LongSupplier clockNanos) {
        this.clockNanos = clockNanos;
    }

    /**
     * Admits one new connection from {@code address} under {@code limits}. An admitted connection
     * holds the returned source until {@link Source#release()}; a refused one gets one of the
     * {@code REFUSED_*} sentinels, whose {@link Source#refusal()} names the limit.
     */
    Source admit(InetSocketAddress address, LimitsConfig limits) {
        int perIp = limits.maxConnectionsPerIp();
        int rate = limits.newConnectionsPerIp();
        if (perIp <= 0 && rate <= 0) {
            return Source.UNTRACKED;
        }
        Key probe = probes.get();
        probe.set(address.getAddress());
        while (true) {
            Source s = sources.get(probe);
            if (s == null) {
                s = sources.computeIfAbsent(probe.copy(), k -> new Source(k, null));
            }
            int live = s.live.incrementAndGet();
            if (live <= 0) { // swept meanwhile: the sweeper removes it; look again
                sources.remove(s.key, s);
                continue;
            }
            if (perIp > 0 && live > perIp) {
                s.live.decrementAndGet();
                return Source.REFUSED_PER_IP;
            }
            if (rate > 0 && !s.take(clockNanos.getAsLong(), rate, limits.newConnectionsPerIpBurst())) {
                s.live.decrementAndGet();
                return Source.REFUSED_RATE;
            }
            return s;
        }
    }

    /**
     * The per-source limit {@link #admit} would refuse {@code address} for now, or {@code null}:
     * read only, nothing counted, for the door ({@link InitialPeek}) to answer a client that is
     * sure to be refused before the QUIC codec builds a connection and a TLS object for it
     * (router CPU per refused session, one client address over its limit, closed loop of 64: 74.5 µs
     * after the codec, 35 µs at the door). {@code admit} still decides every connection the door
     * lets through.
     */
    Refusal wouldRefuse(InetSocketAddress address, LimitsConfig limits) {
        int perIp = limits.maxConnectionsPerIp();
        int rate = limits.newConnectionsPerIp();
        InetAddress ip = address.getAddress();
        if ((perIp <= 0 && rate <= 0) || ip == null) {
            return null;
        }
        Key probe = probes.get();
        probe.set(ip);
        Source s = sources.get(probe);
        if (s == null) {
            return null;
        }
        if (perIp > 0 && s.live.get() >= perIp) {
            return Refusal.MAX_CONNECTIONS_PER_IP;
        }
        if (rate > 0 && !s.couldTake(clockNanos.getAsLong(), rate, limits.newConnectionsPerIpBurst())) {
            return Refusal.NEW_CONNECTIONS_PER_IP;
        }
        return null;
    }

    /** Sources currently tracked (live connections or a bucket still refilling). */
    int size() {
        return sources.size();
    }

    /**
     * Forgets sources with no live connection whose bucket is full again (under the most
     * generous rate any config could have had: a bucket is full once its time has passed).
     */
    void sweep() {
        long now = clockNanos.getAsLong();
        for (Source s : sources.values()) {
            if (s.live.get() == 0 && now - s.theoreticalArrival.get() >= 0 && s.live.compareAndSet(0, RETIRED)) {
                sources.remove(s.key, s);
            }
        }
    }

    /** One source's state. */
    static final class Source {
        /** For connections admitted while no per-source limit is on: nothing to release. */
        static final Source UNTRACKED = new Source(null, null);
        static final Source REFUSED_PER_IP = new Source(null, Refusal.MAX_CONNECTIONS_PER_IP);
        static final Source REFUSED_RATE = new Source(null, Refusal.NEW_CONNECTIONS_PER_IP);

        final Key key;
        private final Refusal refusal;
        final AtomicInteger live = new AtomicInteger();
        /** GCRA: when the bucket would be full again if nothing else arrived (nanoTime). */
        final AtomicLong theoreticalArrival = new AtomicLong(Long.MIN_VALUE / 2);

        private Source(Key key, Refusal refusal) {
            this.key = key;
            this.refusal = refusal;
        }

        /** The limit that refused the connection, or {@code null} for an admitted one. */
        Refusal refusal() {
            return refusal;
        }

        /**
         * Takes a token: allowed while the theoretical arrival time is at most burst - 1 intervals
         * ahead of now; an allowed arrival moves it one interval on, a refused one leaves it.
         */
        boolean take(long now, int perSecond, int burst) {
            long interval = 1_000_000_000L / perSecond;
            while (true) {
                long tat = theoreticalArrival.get();
                if (!allows(tat, now, interval, burst)) {
                    return false;
                }
                if (theoreticalArrival.compareAndSet(tat, base(tat, now) + interval)) {
                    return true;
                }
            }
        }

        /** Whether {@link #take} would allow an arrival now, taking nothing. */
        boolean couldTake(long now, int perSecond, int burst) {
            return allows(theoreticalArrival.get(), now, 1_000_000_000L / perSecond, burst);
        }

        /** The bucket's rule: an arrival fits while the theoretical arrival is at most burst - 1 intervals ahead of now. */
        private static boolean allows(long tat, long now, long interval, int burst) {
            return base(tat, now) - now <= interval * (Math.max(1, burst) - 1L);
        }

        /** When the next arrival counts from: now, or the theoretical arrival time if that is later. */
        private static long base(long tat, long now) {
            return now - tat > 0 ? now : tat;
        }

        void release() {
            if (key != null) {
                live.decrementAndGet();
            }
        }
    }

    /** An IPv4 address, or the /64 of an IPv6 address, as two longs; mutable only as a per-loop probe. */
    static final class Key {
        private long hi;
        private long lo;

        void set(InetAddress a) {
            if (a instanceof Inet4Address) {
                hi = 0;
                // Inet4Address's hash is its address: no byte[] per connection.
                lo = (1L << 32) | (a.hashCode() & 0xFFFF_FFFFL);
            } else {
                byte[] b = a.getAddress();
                long h = 0;
                for (int i = 0; i < 8; i++) {
                    h = (h << 8) | (b[i] & 0xFF);
                }
                hi = h;
                lo = 0;
            }
        }

        Key copy() {
            Key k = new Key();
            k.hi = hi;
            k.lo = lo;
            return k;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hi == hi && k.lo == lo;
        }

        @Override
        public int hashCode() {
            long x = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
            return (int) (x ^ (x >>> 32));
        }
    }
}
