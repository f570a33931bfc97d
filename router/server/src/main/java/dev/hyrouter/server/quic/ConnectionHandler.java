package dev.hyrouter.server.quic;

import dev.hyrouter.util.LogText;
import dev.hyrouter.server.tls.ClientCertificates;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSessionReuse;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QUIC connection: learns the SNI from the TLS layer, computes the client certificate
 * fingerprint on demand, and bounds the connection's life: closed if no answer is sent within
 * the connect timeout, and closed a grace period after its answer unless the client closed it
 * first. Owned by the connection's event loop; not thread safe.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    static final AttributeKey<ConnectionHandler> KEY = AttributeKey.valueOf(ConnectionHandler.class, "connection");
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    /** QUIC transport error code CONNECTION_REFUSED (RFC 9000, section 20.1). */
    static final int CONNECTION_REFUSED = 0x2;
    private static final byte[] REFUSED_DRAINING = ascii("shutting down");
    /** The reason of every "server busy" refusal, at the door ({@link InitialPeek}) or here. */
    static final byte[] REFUSED_BUSY = ascii("server busy");
    static final byte[] REFUSED_SOURCE = ascii("too many connections from your address");

    private final IntakeContext context;
    private QuicChannel channel;
    private String sni = "";
    private String fingerprint;
    private String clientText;
    private ScheduledFuture<?> deadline;
    private boolean answered;
    private boolean decided;
    private long createdNanos;
    /** A 0-RTT Connect waiting for the handshake to complete. */
    private ConnectStreamHandler held;
    /** Whether this connection counts among its loop's handshakes under way. */
    private boolean handshaking;
    /** Held while the connection is counted against the limits; null when it was never admitted. */
    private SourceLimits.Source source;

    ConnectionHandler(IntakeContext context) {
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (QuicChannel) ctx.channel();
        channel.attr(KEY).set(this);
        createdNanos = System.nanoTime();
    }

    /**
     * Admission, at registration: the first Initial packet has created the connection but not
     * been read yet, so a refused client costs no TLS handshake.
     */
    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        if (context.draining) {
            // Shutting down: connections in flight finish, new ones are turned away at once.
            context.stats.refusedDraining.increment();
            refuse(REFUSED_DRAINING);
            return;
        }
        SourceLimits.Refusal refusal = admit();
        if (refusal != null) {
            context.stats.refused(refusal);
            refuse(refusal == SourceLimits.Refusal.NEW_CONNECTIONS_PER_IP || refusal == SourceLimits.Refusal.MAX_CONNECTIONS_PER_IP
                    ? REFUSED_SOURCE : REFUSED_BUSY);
            return;
        }
        ctx.fireChannelRegistered();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            // The handshake never completed: a replayed 0-RTT flight ends here, having decided nothing.
            held.abandon();
            held = null;
        }
        javax.net.ssl.SSLEngine engine = channel.sslEngine();
        if (fingerprint == null) {
            ClientCertificates.forget(engine);
        }
        // The connection is gone: its native object's finalizer must not keep this channel for a collection.
        io.netty.handler.codec.quic.QuicConnectionRelease.release(engine);
        // Always runs when the connection goes, handshake or not: the one place to give back its slots.
        if (handshaking) {
            handshaking = false;
            context.loop().handshakeEnded();
        }
        if (source != null) {
            context.loop().live--;
            source.release();
            source = null;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context.stats.connectionsOpened.increment();
        // A client that never sends a Connect must not hold the connection until the idle timeout.
        // (A stream read as 0-RTT may have been answered already, by a refusal such as an oversized
        // frame; its close-after-answer timer runs.)
        if (!answered) {
            deadline = ctx.executor().schedule(this::closeUnanswered, context.connectTimeoutNanos + TimeUnit.SECONDS.toNanos(1),
                    TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelActive();
        if (held != null) {
            ConnectStreamHandler h = held;
            held = null;
            h.handshakeCompleted();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.stats.connectionsClosed.increment();
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    /** Counts this connection against the limits of the current config, or names the limit that refuses it. */
    private SourceLimits.Refusal admit() {
        dev.hyrouter.config.LimitsConfig limits = context.current().limits;
        IntakeContext.LoopState loop = context.loop();
        int loops = context.loops;
        int max = limits.maxConnections();
        if (max > 0) {
            int share = (max + loops - 1) / loops;
            if (loop.live >= share) {
                return SourceLimits.Refusal.MAX_CONNECTIONS;
            }
        }
        // Overload, before anything that costs more than a few field reads: a loop with a standing
        // queue spends nothing on a client it cannot serve in time but a stateless refusal.
        long target = limits.handshakeQueueTarget().toNanos();
        if (target > 0 && !InitialPeek.admittedAtDoor() && !loop.admitNew(createdNanos, target)) {
            return SourceLimits.Refusal.HANDSHAKE_QUEUE;
        }
        int maxHandshakes = limits.maxHandshakesInProgress();
        if (maxHandshakes > 0 && loop.handshaking >= (maxHandshakes + loops - 1) / loops) {
            return SourceLimits.Refusal.MAX_HANDSHAKES_IN_PROGRESS;
        }
        java.net.SocketAddress remote = channel.remoteSocketAddress();
        SourceLimits.Source s = remote instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? context.sources.admit(inet, limits) : SourceLimits.Source.UNTRACKED;
        if (s.refusal() != null) {
            return s.refusal();
        }
        source = s;
        loop.live++;
        loop.handshaking++;
        handshaking = true;
        return null;
    }

    /**
     * Refuses a connection the router will not serve before its TLS handshake: a stateless
     * Initial packet with the transport error CONNECTION_REFUSED and a short reason tells the
     * client at once (rather than after its handshake timeout), and the connection, which has
     * read nothing, is closed without a handshake.
     */
    private void refuse(byte[] reason) {
        InitialPeek.Header h = InitialPeek.current();
        if (h != null && h.sender != null && h.sender.equals(channel.remoteSocketAddress()) && channel.parent() != null) {
            try {
                channel.parent().writeAndFlush(new io.netty.channel.socket.DatagramPacket(
                        StatelessClose.encode(channel.alloc(), h, CONNECTION_REFUSED, reason), h.sender));
            } catch (java.security.GeneralSecurityException e) {
                LOG.warn("could not build a CONNECTION_CLOSE for a refused connection (sni {}): {}; it is dropped instead", LogText.client(sni), e.toString());
            }
        }
        // The connection has read nothing yet: closing it now costs no handshake and sends nothing more.
        channel.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SniCompletionEvent) {
            String host = ((SniCompletionEvent) evt).hostname();
            sni = host == null ? "" : host;
        } else if (evt instanceof SslHandshakeCompletionEvent hs) {
            long sojourn = System.nanoTime() - createdNanos;
            if (handshaking) {
                handshaking = false;
                IntakeContext.LoopState loop = context.loop();
                loop.handshakeEnded();
                if (hs.isSuccess()) {
                    loop.handshakeCompleted(sojourn);
                }
            }
            if (hs.isSuccess()) {
                context.handshakeLatency.record(sojourn);
                if (QuicSessionReuse.resumed(channel.sslEngine())) {
                    context.stats.handshakesResumed.increment();
                }
            } else {
                context.stats.handshakesFailed.increment();
                LOG.debug("handshake failed (sni {}): {}", LogText.client(sni), hs.cause() == null ? "unknown" : hs.cause().toString());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error (sni {}): {}", LogText.client(sni), cause.toString());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@code true} the first time only: this connection's one decision (streams of a connection share its loop). */
    boolean claimDecision() {
        if (decided) {
            return false;
        }
        decided = true;
        return true;
    }

    /**
     * Whether the handshake has completed. A stream is read before that only when its data came
     * as 0-RTT early data (the server's QUIC channel turns active when the handshake completes,
     * before any stream data of that packet is read).
     */
    boolean established() {
        return channel.isActive();
    }

    /** Holds a 0-RTT Connect's stream until the handshake completes (or the connection goes). */
    void holdUntilEstablished(ConnectStreamHandler stream) {
        held = stream;
    }

    /**
     * A warm-up connection of the router's own is decided under {@code name} (a configured route's
     * name) instead of its random one: set on the connection, so the decision reads the server name
     * the same way for it as for a player's.
     */
    void decideUnder(String name) {
        sni = name;
    }

    /** TLS server name, {@code ""} when the client sent none. */
    String sni() {
        return sni;
    }

    /** Whether the client is on this host (the router's own warm-up client is). */
    boolean fromLoopback() {
        return channel.remoteSocketAddress() instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
    }

    /** Client certificate fingerprint, {@code ""} without one; computed once. */
    String fingerprint() {
        if (fingerprint == null) {
            fingerprint = ClientCertificates.fingerprint(channel.sslEngine());
        }
        return fingerprint;
    }

    /** The client address as text, computed once per connection (only when addresses are logged). */
    String clientText() {
        if (clientText == null) {
            SocketAddress a = channel.remoteSocketAddress();
            clientText = a == null ? "unknown" : a.toString();
        }
        return clientText;
    }

    /** The answer is on its way: give the client a grace period to close, then close ourselves. */
    void answered() {
        if (answered) {
            return;
        }
        answered = true;
        cancelDeadline();
        deadline = channel.eventLoop().schedule(() -> {
            if (channel.isActive()) {
                channel.close();
            }
        }, context.closeAfterAnswerNanos, TimeUnit.NANOSECONDS);
    }

    private void closeUnanswered() {
        if (!answered && channel.isActive()) {
            LOG.debug("closing connection (sni {}) that sent no Connect in time", LogText.client(sni));
            context.stats.silentConnectionsClosed.increment();
            channel.close();
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
