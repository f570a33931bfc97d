package dev.hyrouter.plugins.grpc;

import com.dslplatform.json.JsonReader;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.json.PluginJson;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A gRPC plugin server that behaves like one built with grpc-go for the original: it picks its
 * codec from the content-subtype, so a request whose content-type is not
 * {@code application/grpc+json} fails (grpc-go would try protobuf on JSON bytes). Raw Netty
 * HTTP/2, so nothing of grpc-java's leniency applies, and so it can also misbehave on purpose
 * ({@link Fault}) in ways a well-written gRPC server never would.
 */
final class StrictJsonServer implements AutoCloseable {
    /** How the server answers a well-formed call. */
    enum Fault {
        /** Answers with the handler's response. */
        NONE,
        /** Accepts the call and never answers, never resets. */
        HANG,
        /** Answers correctly, {@link #SLOW_MILLIS} ms late. */
        SLOW,
        /** Resets the stream (RST_STREAM, INTERNAL_ERROR) instead of answering. */
        RESET,
        /** Answers status OK with a message that is not JSON. */
        GARBAGE
    }

    static final long SLOW_MILLIS = 500;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final Fault fault;
    final List<String> contentTypes = new CopyOnWriteArrayList<>();

    StrictJsonServer(Function<ConnectRequest, ConnectResponse> handler) throws InterruptedException {
        this(handler, Fault.NONE);
    }

    StrictJsonServer(Function<ConnectRequest, ConnectResponse> handler, Fault fault) throws InterruptedException {
        this.fault = fault;
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel s) {
                                        s.pipeline().addLast(new Stream(handler));
                                    }
                                }));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    private final class Stream extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final Function<ConnectRequest, ConnectResponse> handler;
        private final ByteBuf body = Unpooled.buffer();
        private String contentType = "";

        Stream(Function<ConnectRequest, ConnectResponse> handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) throws Exception {
            boolean end = false;
            if (frame instanceof Http2HeadersFrame h) {
                CharSequence ct = h.headers().get("content-type");
                contentType = ct == null ? "" : ct.toString();
                contentTypes.add(contentType);
                end = h.isEndStream();
            } else if (frame instanceof Http2DataFrame d) {
                body.writeBytes(d.content());
                end = d.isEndStream();
            }
            if (!end) {
                return;
            }
            if (!contentType.equals("application/grpc+json")) {
                DefaultHttp2Headers trailersOnly = new DefaultHttp2Headers();
                trailersOnly.status("200").set("content-type", "application/grpc")
                        .set("grpc-status", "13").set("grpc-message", "grpc: error unmarshalling request: proto: cannot parse invalid wire-format data");
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailersOnly, true));
                body.release();
                return;
            }
            body.skipBytes(1);
            int length = body.readInt();
            byte[] json = new byte[length];
            body.readBytes(json);
            body.release();
            JsonReader<Object> reader = PluginJson.newReader();
            ConnectResponse response = handler.apply(PluginJson.readRequest(reader, json, json.length));
            byte[] out = fault == Fault.GARBAGE ? "<html>502 Bad Gateway</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : PluginJson.responseBytes(response);
            switch (fault) {
                case HANG -> {
                    return;
                }
                case RESET -> {
                    ctx.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2ResetFrame(io.netty.handler.codec.http2.Http2Error.INTERNAL_ERROR));
                    return;
                }
                case SLOW -> {
                    ctx.executor().schedule(() -> answer(ctx, out), SLOW_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                }
                default -> answer(ctx, out);
            }
        }

        private void answer(ChannelHandlerContext ctx, byte[] out) {
            if (!ctx.channel().isActive()) {
                return; // the client gave up (its deadline) and reset the stream
            }
            DefaultHttp2Headers headers = new DefaultHttp2Headers();
            headers.status("200").set("content-type", "application/grpc+json");
            ctx.write(new DefaultHttp2HeadersFrame(headers, false));
            ByteBuf data = ctx.alloc().buffer(5 + out.length).writeByte(0).writeInt(out.length).writeBytes(out);
            ctx.write(new DefaultHttp2DataFrame(data, false));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true));
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
