package dev.hyrouter.server.quic;

import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.DisconnectEncoder;
import dev.hyrouter.codec.FrameReader;
import dev.hyrouter.codec.PacketIds;
import dev.hyrouter.pipeline.DecisionRequest;
import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.pipeline.OutcomeSink;
import dev.hyrouter.routing.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's bidirectional stream: reassembles frames until the first Connect, hands it to the
 * decision pipeline, writes exactly one ClientReferral or Disconnect, then closes the stream.
 *
 * <p>Frames other than Connect before it are ignored, as in the original. A stream that does
 * not deliver a Connect in time, ends in the middle of one, or declares a frame over the size
 * cap is answered with a Disconnect and closed; nothing of it is buffered beyond the cap.
 *
 * <p>Owned by the stream's event loop. The pipeline may answer from a plugin's thread; the
 * answer then hops back to the event loop before anything is written.
 */
final class ConnectStreamHandler extends ChannelInboundHandlerAdapter
        implements FrameReader.FrameHandler, OutcomeSink, ChannelFutureListener {
    static final String TIMEOUT_REASON = "Timed out waiting for the Connect packet.";
    static final String TOO_LARGE_REASON = "Packet too large.";
    static final String INCOMPLETE_REASON = "Connect packet incomplete.";
    static final String SECOND_CONNECT_REASON = "Only one Connect per connection.";

    private final IntakeContext context;
    /** The config this stream started under; a reload meanwhile does not change its decision. */
    private Generation gen;
    private ChannelHandlerContext ctx;
    private FrameReader reader;
    private ConnectionHandler connection;
    private ScheduledFuture<?> deadline;
    private boolean connectSeen;
    private boolean answered;
    private boolean measured;
    private long connectNanos;
    /** A 0-RTT Connect's payload (a copy) while it waits for the handshake; held rarely, so copied. */
    private ByteBuf held;

    /*
     * Where this stream's counts, latency and outcome go and how it is decided: the intake's own,
     * or, for a session of the router's start-up warm-up, twins of the same classes that nothing
     * reads (IntakeContext.Warmup). Chosen once when the stream is added, so the decision path
     * after it holds no warm-up branch: one there was always taken during the warm-up and never
     * after it, and the first player's session threw away the compiled decision path (the JIT's
     * trap at that branch, measured after ready: perf-reports/loadtest/2026-12-05-warm-start.md,
     * session 21), which then ran in profiling code for seconds.
     */
    private IntakeStats stats;
    private dev.hyrouter.util.LatencyRecorder latency;
    private OutcomeLog outcomes;
    private java.util.concurrent.atomic.LongAdder[] routeCounters;
    private dev.hyrouter.plugin.PluginChain chain;
    private boolean warmupDecision;

    ConnectStreamHandler(IntakeContext context) {
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.gen = context.current();
        reader = new FrameReader(ctx.alloc(), context.maxFrameBytes);
        connection = ((QuicStreamChannel) ctx.channel()).parent().attr(ConnectionHandler.KEY).get();
        IntakeContext.Warmup w = context.warmup;
        if (w != null && w.sni().equals(connection.sni()) && connection.fromLoopback()) {
            context.stats.warmupSessions.increment();
            stats = w.stats();
            latency = w.latency();
            outcomes = w.outcomes();
            routeCounters = w.routeCounters();
            chain = w.chain();
            connection.decideUnder(w.names()[java.util.concurrent.ThreadLocalRandom.current().nextInt(w.names().length)]);
            warmupDecision = true;
        } else {
            stats = context.stats;
            latency = context.latency;
            outcomes = context.outcomes;
            routeCounters = gen.referralsByRoute;
            chain = gen.pipeline.plugins();
            warmupDecision = false;
        }
        stats.streamsOpened.increment();
        deadline = ctx.executor().schedule(this::connectTimedOut, context.connectTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        abandon();
        reader.close();
        cancelDeadline();
        stats.streamsClosed.increment();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (connectSeen || !(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (reader.read((ByteBuf) msg, this) == FrameReader.Status.OVERSIZED) {
            stats.oversizedFrames.increment();
            outcomes.refused(connection, gen.logClientIp, "a frame declared " + reader.refusedLength()
                    + " bytes, over the cap of " + context.maxFrameBytes + " (quic.max_frame_bytes)");
            connectSeen = true;
            answerDisconnect(TOO_LARGE_REASON);
        }
    }

    @Override
    public boolean onFrame(int packetId, ByteBuf payload) {
        outcomes.packet(connection, gen.logClientIp, packetId, payload.readableBytes());
        if (packetId != PacketIds.CONNECT) {
            return true;
        }
        connectSeen = true;
        cancelDeadline();
        stats.connectsReceived.increment();
        if (!connection.claimDecision()) {
            // One handshake buys one decision (routing, plugin calls, an allocation): a client needs
            // no more, and a second stream must not multiply the router's work.
            stats.extraConnects.increment();
            outcomes.refused(connection, gen.logClientIp, "a second Connect on one connection (one decision per connection)");
            answerDisconnect(SECOND_CONNECT_REASON);
            return false;
        }
        if (!connection.established()) {
            // 0-RTT early data (quic.early_data on): decided only once the handshake completes, so a
            // replayed first flight, which never completes it, gets no decision, plugin call or allocation.
            stats.earlyConnects.increment();
            held = ctx.alloc().buffer(payload.readableBytes()).writeBytes(payload, payload.readerIndex(), payload.readableBytes());
            connection.holdUntilEstablished(this);
            return false;
        }
        decide(payload);
        return false;
    }

    /** The handshake of a held 0-RTT Connect completed: decide it now. */
    void handshakeCompleted() {
        ByteBuf payload = held;
        held = null;
        if (payload == null) {
            return;
        }
        try {
            if (!answered && ctx.channel().isActive()) {
                decide(payload);
            }
        } finally {
            payload.release();
        }
    }

    /** The connection or stream went before a held Connect's handshake completed. */
    void abandon() {
        if (held != null) {
            held.release();
            held = null;
            stats.earlyConnectsAbandoned.increment();
        }
    }

    private void decide(ByteBuf payload) {
        measured = true;
        connectNanos = System.nanoTime();
        ConnectView view = context.view();
        boolean decoded = view.wrap(payload);
        if (!decoded) {
            stats.undecodable(view.undecodable());
            outcomes.undecodable(connection, gen.logClientIp, payload.readableBytes(), view.undecodable());
        }
        DecisionRequest request = context.request().set(connection.sni(),
                gen.pluginsConfigured ? connection.fingerprint() : "", decoded ? view : null);
        try {
            gen.pipeline.decide(request, this, chain, warmupDecision);
        } finally {
            view.reset();
        }
    }

    @Override
    public void referral(Backend backend, byte[] content, int routeIndex) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> referral(backend, content, routeIndex));
            return;
        }
        if (answered || !ctx.channel().isActive()) {
            return;
        }
        ByteBuf frame = gen.encoder().encode(ctx.alloc(), backend.hostUtf8(), backend.port(), content);
        stats.referrals.increment();
        Generation.count(routeCounters, routeIndex);
        outcomes.referral(connection, gen.logClientIp, routeIndex, backend, content == null ? 0 : content.length);
        write(frame);
    }

    @Override
    public void disconnect(OutcomeKind kind, String reason, int routeIndex) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> disconnect(kind, reason, routeIndex));
            return;
        }
        if (answered || !ctx.channel().isActive()) {
            return;
        }
        outcomes.disconnect(connection, gen.logClientIp, routeIndex, kind, reason);
        stats.outcome(kind);
        answerDisconnect(reason);
    }

    private void answerDisconnect(String reason) {
        if (answered) {
            return;
        }
        stats.disconnects.increment();
        write(DisconnectEncoder.encode(ctx.alloc(), reason));
    }

    private void write(ByteBuf frame) {
        answered = true;
        cancelDeadline();
        connection.answered();
        // Data and FIN in one stream write: when the answer comes from another thread (a gRPC
        // plugin's reply), a FIN written after the flush left in a packet of its own, one datagram
        // more per session (perf-reports/counts/2026-12-05-gate-proof.md).
        ctx.writeAndFlush(new DefaultQuicStreamFrame(frame, true)).addListener(this);
    }

    /** The answer and its FIN were handed to QUIC: record the latency, then let the stream go. */
    @Override
    public void operationComplete(ChannelFuture future) {
        if (!future.isSuccess()) {
            stats.writeFailures.increment();
            ctx.close();
            return;
        }
        if (measured) {
            latency.record(System.nanoTime() - connectNanos);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !connectSeen) {
            // The client finished its side without a whole Connect.
            connectSeen = true;
            stats.incompleteStreams.increment();
            if (reader.bufferedBytes() > 0) {
                outcomes.refused(connection, gen.logClientIp, "the stream ended inside a frame");
                answerDisconnect(INCOMPLETE_REASON);
            } else {
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        outcomes.streamError(connection, gen.logClientIp, cause);
        ctx.close();
    }

    private void connectTimedOut() {
        if (!connectSeen && !answered && ctx.channel().isActive()) {
            connectSeen = true;
            stats.connectTimeouts.increment();
            outcomes.refused(connection, gen.logClientIp, "no Connect within the connect timeout (quic.connect_timeout)");
            answerDisconnect(TIMEOUT_REASON);
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
