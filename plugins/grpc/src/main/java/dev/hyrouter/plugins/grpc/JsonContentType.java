package dev.hyrouter.plugins.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2OutboundFrameLogger;
import io.netty.util.AsciiString;
import java.lang.reflect.Field;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes grpc-java's Netty transport send {@code content-type: application/grpc+json}.
 *
 * <p>Plugin servers written for the original (grpc-go with its JSON codec registered) pick the
 * codec from the content-subtype and fail on a bare {@code application/grpc}, which grpc-java
 * always sends (grpc-java issue 10959); neither metadata nor interceptors may change it. The
 * header is therefore replaced where headers become bytes: the HTTP/2 frame writer's HPACK
 * headers encoder is wrapped, so the value goes through HPACK like any other header and the
 * encoder's and the server's dynamic tables stay in step (rewriting encoded bytes would not).
 *
 * <p>{@link Installer} sits at the head of every plugin channel's pipeline and wraps the encoder
 * of the HTTP/2 handler as soon as that handler appears, before the first request is written.
 */
final class JsonContentType {
    private static final Logger LOG = LoggerFactory.getLogger(JsonContentType.class);
    static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    static final AsciiString GRPC = AsciiString.cached("application/grpc");
    static final AsciiString GRPC_JSON = AsciiString.cached("application/grpc+json");

    private JsonContentType() {
    }

    /** Replaces a bare {@code application/grpc} content type; other headers pass unchanged. */
    static final class Encoder implements Http2HeadersEncoder {
        private final Http2HeadersEncoder delegate;

        Encoder(Http2HeadersEncoder delegate) {
            this.delegate = delegate;
        }

        @Override
        public void encodeHeaders(int streamId, Http2Headers headers, ByteBuf buffer) throws Http2Exception {
            // grpc-java's outbound headers support iteration only (no get).
            boolean bare = false;
            for (Map.Entry<CharSequence, CharSequence> e : headers) {
                if (CONTENT_TYPE.contentEqualsIgnoreCase(e.getKey()) && GRPC.contentEqualsIgnoreCase(e.getValue())) {
                    bare = true;
                    break;
                }
            }
            if (!bare) {
                delegate.encodeHeaders(streamId, headers, buffer);
                return;
            }
            DefaultHttp2Headers copy = new DefaultHttp2Headers(false, 16);
            for (Map.Entry<CharSequence, CharSequence> e : headers) {
                copy.add(e.getKey(), CONTENT_TYPE.contentEqualsIgnoreCase(e.getKey()) ? GRPC_JSON : e.getValue());
            }
            delegate.encodeHeaders(streamId, copy, buffer);
        }

        @Override
        public Configuration configuration() {
            return delegate.configuration();
        }
    }

    /**
     * Wraps the headers encoder of the pipeline's HTTP/2 handler.
     *
     * @return {@code true} when installed (or already), {@code false} when there is no HTTP/2
     *     handler yet
     * @throws IllegalStateException when the handler's writer cannot be wrapped
     */
    static boolean install(ChannelPipeline pipeline) {
        Http2ConnectionHandler handler = pipeline.get(Http2ConnectionHandler.class);
        if (handler == null) {
            return false;
        }
        Http2FrameWriter writer = unwrap(handler.encoder().frameWriter());
        if (!(writer instanceof DefaultHttp2FrameWriter)) {
            throw new IllegalStateException("unexpected HTTP/2 frame writer " + writer.getClass().getName());
        }
        try {
            Field f = DefaultHttp2FrameWriter.class.getDeclaredField("headersEncoder");
            f.setAccessible(true);
            Object current = f.get(writer);
            if (!(current instanceof Encoder)) {
                f.set(writer, new Encoder((Http2HeadersEncoder) current));
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot wrap the HTTP/2 headers encoder: " + e, e);
        }
    }

    private static Http2FrameWriter unwrap(Http2FrameWriter w) {
        Http2FrameWriter current = w;
        for (int i = 0; i < 8; i++) {
            String field = current instanceof Http2OutboundFrameLogger ? "writer"
                    : current instanceof DecoratingHttp2FrameWriter ? "delegate" : null;
            if (field == null) {
                return current;
            }
            try {
                Class<?> owner = current instanceof Http2OutboundFrameLogger ? Http2OutboundFrameLogger.class : DecoratingHttp2FrameWriter.class;
                Field f = owner.getDeclaredField(field);
                f.setAccessible(true);
                current = (Http2FrameWriter) f.get(current);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot unwrap " + current.getClass().getName(), e);
            }
        }
        return current;
    }

    /**
     * At the head of a plugin channel's pipeline: on each outbound write until installed, looks for
     * the HTTP/2 handler (it exists before the first HTTP/2 frame is written, TLS or not) and
     * wraps its encoder, then removes itself.
     */
    static final class Installer extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            try {
                if (install(ctx.pipeline())) {
                    ctx.pipeline().remove(this);
                }
            } catch (IllegalStateException e) {
                LOG.error("gRPC plugin channel cannot send application/grpc+json ({}); plugin servers built for the Go "
                        + "original will reject its calls", e.getMessage());
                ctx.pipeline().remove(this);
            }
            ctx.write(msg, promise);
        }
    }
}
