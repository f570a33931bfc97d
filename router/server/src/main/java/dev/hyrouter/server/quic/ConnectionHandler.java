package dev.hyrouter.server.quic;

import dev.hyrouter.server.tls.CertificateFingerprint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
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

    private final IntakeContext context;
    private QuicChannel channel;
    private String sni = "";
    private String fingerprint;
    private String clientText;
    private ScheduledFuture<?> deadline;
    private boolean answered;
    private long createdNanos;

    ConnectionHandler(IntakeContext context) {
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (QuicChannel) ctx.channel();
        channel.attr(KEY).set(this);
        createdNanos = System.nanoTime();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context.stats.connectionsOpened.increment();
        if (context.draining) {
            // Shutting down: connections in flight finish, new ones are turned away at once.
            context.stats.refusedDraining.increment();
            ctx.close();
            return;
        }
        // A client that never sends a Connect must not hold the connection until the idle timeout.
        deadline = ctx.executor().schedule(this::closeUnanswered, context.connectTimeoutNanos + TimeUnit.SECONDS.toNanos(1),
                TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.stats.connectionsClosed.increment();
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SniCompletionEvent) {
            String host = ((SniCompletionEvent) evt).hostname();
            sni = host == null ? "" : host;
        } else if (evt instanceof SslHandshakeCompletionEvent hs) {
            if (hs.isSuccess()) {
                context.handshakeLatency.record(System.nanoTime() - createdNanos);
            } else {
                context.stats.handshakesFailed.increment();
                LOG.debug("handshake failed (sni {}): {}", sni, hs.cause() == null ? "unknown" : hs.cause().toString());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error (sni {}): {}", sni, cause.toString());
    }

    /** TLS server name, {@code ""} when the client sent none. */
    String sni() {
        return sni;
    }

    /** Client certificate fingerprint, {@code ""} without one; computed once. */
    String fingerprint() {
        if (fingerprint == null) {
            fingerprint = CertificateFingerprint.ofPeer(channel.sslEngine() == null ? null : channel.sslEngine().getSession());
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
            LOG.debug("closing connection (sni {}) that sent no Connect in time", sni);
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
