package dev.hyrouter.server.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;

/**
 * Sits in front of each socket's QUIC codec and, for a QUIC v1 Initial packet only, notes its
 * connection IDs and sender while the codec handles it. If that packet creates a connection the
 * router refuses ({@link ConnectionHandler}), the refusal can then be answered statelessly with
 * {@link StatelessClose}, before any TLS work. Other packets pass untouched; nothing is
 * allocated (one scratch header per event loop).
 *
 * <p>Shedding at the door: while the socket's event loop has a standing queue
 * ({@code limits.handshake_queue_target}, see {@link IntakeContext.LoopState#overloaded}), an
 * Initial that opens a new connection is answered here with a stateless CONNECTION_CLOSE
 * ("server busy") and dropped: the QUIC codec never sees it, so it costs no connection state, no
 * TLS object and no handshake, a few microseconds instead of a connection's worth. An Initial
 * opens a new connection when its destination connection ID is not one the router issued: the
 * router's IDs (QuicCodecDispatcher's) are {@value #ROUTER_CID_LENGTH} bytes led by the index
 * of one of its sockets; a client's own first ID rarely looks like that, and one that does only
 * takes the ordinary path, where {@link ConnectionHandler} sheds it all the same. Nor is an
 * Initial whose ID the codec already maps to a connection: a client the router admitted resends
 * its first Initial when the answer is slow (in a rush, the answer waits in the same queue), and
 * refusing that copy would throw away a handshake already paid for. The same door answers a new
 * connection whose source is already over a per-address limit ({@link SourceLimits#wouldRefuse},
 * read only: the connection handler still counts and decides every client let through). With
 * the NIO fallback (no dispatcher) nothing is refused here.
 */
final class InitialPeek extends ChannelInboundHandlerAdapter {
    static final int QUIC_V1 = 0x0000_0001;
    static final int MAX_CID = 20;
    /** The length of the connection IDs QuicCodecDispatcher issues (its default), the socket's index in the first two bytes. */
    static final int ROUTER_CID_LENGTH = 20;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InitialPeek.class);

    private final IntakeContext context;
    /** Sockets of the router (indexes a router-issued ID can carry); 0 = no early shedding (NIO fallback). */
    private final int sockets;

    /** Datagrams one read of the socket takes at most (Netty's messages per read × datagrams per recvmmsg). */
    private final int fullRead;
    /** Datagrams read since the last read completed. */
    private int readCount;

    /** The router's socket queue probe, or {@code null} (none: the warm-up's door, the NIO fallback). */
    private final SocketProbe probe;
    /** This socket's index among the router's (which probe sockets reach it). */
    private final int socketIndex;

    InitialPeek(IntakeContext context, int sockets, int fullRead) {
        this(context, sockets, fullRead, null, 0);
    }

    InitialPeek(IntakeContext context, int sockets, int fullRead, SocketProbe probe, int socketIndex) {
        this.context = context;
        this.sockets = sockets;
        this.fullRead = fullRead;
        this.probe = probe;
        this.socketIndex = socketIndex;
    }

    private static final FastThreadLocal<Header> CURRENT = new FastThreadLocal<>() {
        @Override
        protected Header initialValue() {
            return new Header();
        }
    };

    /** The Initial packet this event loop is handling now, or {@code null}. */
    static Header current() {
        Header h = CURRENT.get();
        return h.valid ? h : null;
    }

    /** Whether the datagram being read is a new connection's Initial the door already admitted. */
    static boolean admittedAtDoor() {
        Header h = CURRENT.get();
        return h.valid && h.admittedAtDoor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readCount++;
        if (msg instanceof DatagramPacket p) {
            if (probe != null && SocketProbe.shaped(p.content())) {
                long sent = probe.sentAt(p.content(), socketIndex);
                if (sent != -1) {
                    long now = System.nanoTime();
                    context.loop().socketDelay(Math.max(0, now - sent), now);
                    p.release();
                    return;
                }
            }
            Header h = CURRENT.get();
            if (h.parse(p.content(), p.sender())) {
                try {
                    if (sockets > 0 && !h.routerIssued(sockets) && refusedAtDoor(ctx, h)) {
                        p.release();
                        return;
                    }
                    ctx.fireChannelRead(msg);
                } finally {
                    h.clear();
                }
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Answers a new connection's Initial here, before the codec, when its address is over a
     * per-address limit ("too many connections from your address") or this loop sheds ("server
     * busy"); returns whether it did.
     */
    private boolean refusedAtDoor(ChannelHandlerContext ctx, Header h) {
        dev.hyrouter.config.LimitsConfig limits = context.current().limits;
        long target = limits.handshakeQueueTarget().toNanos();
        boolean perSource = limits.maxConnectionsPerIp() > 0 || limits.newConnectionsPerIp() > 0;
        if (target <= 0 && !perSource) {
            return false;
        }
        if (resent(ctx, h)) {
            // A client admitted earlier sent its first Initial again (our answer was slow, as in a
            // rush): the codec hands it to that connection. Refusing it would end a handshake the
            // router has already paid for, and admitting it would spend a newcomer's credit.
            return false;
        }
        if (perSource && h.sender != null) {
            SourceLimits.Refusal refusal = context.sources.wouldRefuse(h.sender, limits);
            if (refusal != null) {
                // Before the queue's admission: a client its address limit refuses spends no newcomer's place.
                context.stats.refused(refusal);
                context.stats.refusedSourceAtDoor.increment();
                answer(ctx, h, ConnectionHandler.REFUSED_SOURCE);
                return true;
            }
        }
        if (target <= 0) {
            return false;
        }
        if (context.loop().admitNew(System.nanoTime(), target)) {
            // Decided here once: the connection handler the codec creates for it must not decide again.
            h.admittedAtDoor = true;
            return false;
        }
        context.stats.refused(SourceLimits.Refusal.HANDSHAKE_QUEUE);
        context.stats.shedAtDoor.increment();
        answer(ctx, h, ConnectionHandler.REFUSED_BUSY);
        return true;
    }

    /** The stateless CONNECTION_CLOSE (CONNECTION_REFUSED, {@code reason}) for {@code h}, flushed with the read batch. */
    private void answer(ChannelHandlerContext ctx, Header h, byte[] reason) {
        try {
            ctx.write(new DatagramPacket(StatelessClose.encode(alloc, h, ConnectionHandler.CONNECTION_REFUSED, reason), h.sender));
            pendingFlush = true;
        } catch (java.security.GeneralSecurityException e) {
            LOG.warn("could not build a CONNECTION_CLOSE for a refused connection: {}; it is dropped instead", e.toString());
        }
    }

    /**
     * The socket's allocator, taken once: {@code ctx.alloc()} goes through the channel's and its
     * config's classes, which differ between the start-up warm-up's embedded channel and a real
     * socket, and compiled code that had only seen the first was thrown away at a rush's first
     * refusal (JFR, issue 32).
     */
    private io.netty.buffer.ByteBufAllocator alloc;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        alloc = ctx.alloc();
    }

    /** This socket's QUIC codec, looked up on the first Initial (it is added to the pipeline after this handler). */
    private io.netty.channel.ChannelHandler codec;

    /** Whether {@code h}'s destination ID is one the codec already maps to a connection: a resend of an admitted client's Initial. */
    private boolean resent(ChannelHandlerContext ctx, Header h) {
        if (codec == null) {
            codec = io.netty.handler.codec.quic.QuicConnectionLookup.codec(ctx.pipeline());
        }
        return codec != null && io.netty.handler.codec.quic.QuicConnectionLookup.known(codec, h.dcidView());
    }

    /** Whether refusals were written in this read batch (one instance per socket, so per loop). */
    private boolean pendingFlush;

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (fullRead > 0) {
            context.loop().socketRead(readCount >= fullRead, System.nanoTime());
        }
        readCount = 0;
        if (pendingFlush) {
            pendingFlush = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /**
     * Compiles the door's refusal path before a rush needs it, with the profile the event loops
     * will give it. A router meets its first overload with this path never taken: compiled code
     * that assumed so is thrown away at the first refusal and recompiled, 0.2–0.5 s of CPU at
     * the worst moment (measured under a CPU quota: a rush's first seconds lost to the JIT, issue
     * 32). A warm-up on a plain thread with its own allocator did not prevent it: the loops run
     * on Netty's FastThreadLocalThreads and allocate from the channel's allocator, so that
     * profile's assumptions failed too. This one runs {@code iterations} synthetic new-connection
     * Initials through a door of its own ({@link InitialPeek} over an embedded channel, on a
     * FastThreadLocalThread, with the sockets' allocator) whose loop sheds, after each socket's
     * event loop has built one refusal of its own ({@link StatelessClose#prime}); its counters
     * are its own {@link IntakeContext}'s, never the router's, and nothing reaches a socket. A daemon at the
     * lowest priority, once after start, nothing when admission is off; it costs 1.1–1.7 s of CPU
     * (10,000–20,000 refusals, measured with a build running beside it): the first thousands run
     * interpreted, and the crypto path needs that many calls before C2 compiles it.
     */
    static void warmInBackground(dev.hyrouter.pipeline.RouterCore core, java.util.List<io.netty.channel.Channel> sockets, int iterations) {
        long target = core.config().limits().handshakeQueueTarget().toNanos();
        if (target <= 0) {
            return;
        }
        // Each loop's own ciphers and timer queue first, then the shared path's profile.
        java.util.Set<io.netty.channel.EventLoop> primed = new java.util.HashSet<>();
        for (io.netty.channel.Channel socket : sockets) {
            io.netty.channel.EventLoop loop = socket.eventLoop();
            if (primed.add(loop)) {
                loop.execute(() -> {
                    StatelessClose.prime(socket.alloc());
                    growTimerQueue(loop, RUSH_TIMERS);
                });
            }
        }
        io.netty.buffer.ByteBufAllocator alloc = sockets.get(0).alloc();
        // The loops' own thread class: Netty's thread-local lookup checks the thread's class, and
        // a profile taken on another class was thrown away at the first real refusal (seen in a
        // rush as a class_check trap in StatelessClose.encode, with its crypto recompiled).
        Thread t = new dev.hyrouter.util.DeadlineThread(() -> {
            try {
                warm(core, alloc, iterations);
            } catch (RuntimeException e) {
                // Only a warm-up: a real refusal reports its own failure.
            }
        }, "hyrouter-refusal-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Timers a loop's queue holds before a rush needs them: two per half-open connection for a few thousand. */
    static final int RUSH_TIMERS = 8192;

    /**
     * Grows {@code loop}'s timer queue to {@code n} entries and empties it again, on the loop. In a
     * rush every half-open connection holds timers (quiche's and the connect deadline), and the
     * queue, sized for a quiet loop, grows for the first time: compiled scheduling code that
     * assumed it never grows was thrown away five times in a rush's first three seconds
     * (unstable_if traps in DefaultPriorityQueue.offer, under a CPU quota; none after this). The
     * queue never shrinks: 8192 references per loop.
     */
    static void growTimerQueue(io.netty.channel.EventLoop loop, int n) {
        java.util.List<io.netty.util.concurrent.ScheduledFuture<?>> timers = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            timers.add(loop.schedule(NO_OP, 1, java.util.concurrent.TimeUnit.HOURS));
        }
        for (io.netty.util.concurrent.ScheduledFuture<?> timer : timers) {
            timer.cancel(false);
        }
    }

    private static final Runnable NO_OP = () -> { };

    /** The warm-up's work, on the calling thread: returns the refusals its own door wrote (counted by its own context). */
    static long warm(dev.hyrouter.pipeline.RouterCore core, io.netty.buffer.ByteBufAllocator alloc, int iterations) {
        long target = core.config().limits().handshakeQueueTarget().toNanos();
        IntakeContext own = new IntakeContext(core);
        io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new InitialPeek(own, 1, 1), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        });
        // A socket full for longer than the target: this door's loop sheds every newcomer, and
        // each read it sees (one datagram, as many as a read may take) keeps it full.
        own.loop().socketRead(true, System.nanoTime() - 2 * target - 1);
        InetSocketAddress from = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 9);
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        long written = 0;
        IntakeContext.LoopState states = new IntakeContext.LoopState();
        long clock = 0;
        try {
            for (int i = 0; i < iterations; i++) {
                ByteBuf initial = alloc.directBuffer(64);
                initial.writeByte(0xC3).writeInt(QUIC_V1);
                initial.writeByte(8).writeLong(random.nextLong());
                initial.writeByte(8).writeLong(random.nextLong());
                initial.writeZero(64 - initial.readableBytes()); // the door reads only the long header
                channel.writeInbound(new DatagramPacket(initial, from, from));
                clock = cycle(states, clock, target);
                Object out;
                while ((out = channel.readOutbound()) != null) {
                    written++;
                    io.netty.util.ReferenceCountUtil.release(out);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return written;
    }

    /**
     * One pass of a private loop state through every admission branch on a clock of its own
     * (admitting; shedding on slow handshakes, with ended handshakes earning newcomers' places;
     * shedding on a full socket, where they earn none; caught up), so that the compiled admission
     * code a rush meets was profiled on all of them, not only on the door's socket-full refusals.
     * Returns the clock after it.
     */
    private static long cycle(IntakeContext.LoopState s, long start, long target) {
        long t = start;
        s.admitNew(t, target);
        s.handshaking += 8;
        for (int i = 0; i <= IntakeContext.LoopState.MIN_SAMPLES; i++) {
            s.handshakeCompleted(2 * target);
        }
        t += target;
        s.admitNew(t, target);
        s.handshakeEnded();
        s.handshakeEnded();
        s.admitNew(t, target);
        s.admitNew(t, target);
        s.admitNew(t, target);
        s.socketRead(true, t);
        t += target + 1;
        s.socketRead(true, t);
        s.admitNew(t, target);
        s.handshakeEnded();
        s.admitNew(t, target);
        s.socketRead(false, t);
        s.socketDelay(target, t);
        s.admitNew(t, target);
        s.handshakeEnded();
        s.socketDelay(2 * target, t);
        s.admitNew(t, target);
        s.socketDelay(0, t);
        s.handshakeCompleted(1);
        s.handshakeEnded();
        s.handshakeEnded();
        s.handshakeEnded();
        t += target;
        s.admitNew(t, target);
        s.handshakeEnded();
        s.handshakeEnded();
        return t + target;
    }

    /** A QUIC v1 Initial long header: version, connection IDs, sender. */
    static final class Header {
        boolean valid;
        final byte[] dcid = new byte[MAX_CID];
        private final java.nio.ByteBuffer dcidBuffer = java.nio.ByteBuffer.wrap(dcid);
        int dcidLength;
        final byte[] scid = new byte[MAX_CID];
        int scidLength;
        InetSocketAddress sender;
        /** The door's admission decision was taken for this datagram (see {@link IntakeContext.LoopState#admitNew}). */
        boolean admittedAtDoor;

        /** Fills this from {@code b} when it starts with a v1 Initial packet (RFC 9000, section 17.2.2). */
        boolean parse(ByteBuf b, InetSocketAddress from) {
            int r = b.readerIndex();
            int n = b.readableBytes();
            if (n < 7) {
                return false;
            }
            int first = b.getUnsignedByte(r);
            if ((first & 0xC0) != 0xC0 || (first & 0x30) != 0 || b.getInt(r + 1) != QUIC_V1) {
                return false;
            }
            int d = b.getUnsignedByte(r + 5);
            if (d > MAX_CID || 6 + d + 1 > n) {
                return false;
            }
            int s = b.getUnsignedByte(r + 6 + d);
            if (s > MAX_CID || 7 + d + s > n) {
                return false;
            }
            b.getBytes(r + 6, dcid, 0, d);
            b.getBytes(r + 7 + d, scid, 0, s);
            dcidLength = d;
            scidLength = s;
            sender = from;
            valid = true;
            return true;
        }

        /** Whether the destination ID is one the router's dispatcher could have issued (length and socket index). */
        boolean routerIssued(int sockets) {
            return dcidLength == ROUTER_CID_LENGTH && (((dcid[0] & 0xFF) << 8) | (dcid[1] & 0xFF)) < sockets;
        }

        /** The destination ID as a buffer (this header's own, reused): its remaining bytes are the ID. */
        java.nio.ByteBuffer dcidView() {
            dcidBuffer.clear().limit(dcidLength);
            return dcidBuffer;
        }

        void clear() {
            valid = false;
            admittedAtDoor = false;
            sender = null;
        }
    }
}
