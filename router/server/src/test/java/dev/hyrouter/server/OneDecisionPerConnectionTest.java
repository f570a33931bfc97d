package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.codec.ConnectEncoder;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.FrameLayout;
import dev.hyrouter.codec.FrameReader;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.testing.TestPlugin;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that sends a Connect on a second stream of the same connection gets one decision, not two. */
class OneDecisionPerConnectionTest {
    private static final String CONFIG = """
            routing:
              default: {strategy: round_robin, backends: [{host: a.internal, port: 1}, {host: b.internal, port: 2}]}
            plugins:
              - {name: seen, type: wasm, wasm: {path: unused.wasm}}
            """;

    /** Opens a bidirectional stream on {@code quic}, sends a Connect and completes with the first answer frame. */
    private static CompletableFuture<ServerAnswer> connectOnNewStream(QuicChannel quic) {
        CompletableFuture<ServerAnswer> answer = new CompletableFuture<>();
        quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
            private FrameReader reader;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                reader = new FrameReader(ctx.alloc(), FrameLayout.DEFAULT_MAX_PAYLOAD);
                ctx.writeAndFlush(ConnectEncoder.encodeFrame(ctx.alloc(), ConnectView.Layout.V2, ConnectFields.defaults()));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof ByteBuf b) || answer.isDone()) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                reader.read(b, (id, payload) -> {
                    answer.complete(ServerAnswer.decode(id, payload));
                    return false;
                });
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                answer.completeExceptionally(new IllegalStateException("stream closed without an answer"));
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                if (reader != null) {
                    reader.close();
                }
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
            }
        });
        return answer;
    }

    @Test
    void aSecondConnectOnTheSameConnectionIsRefusedWithoutADecision() throws Exception {
        TestPlugin seen = TestPlugin.answering("seen", q -> ConnectResponse.EMPTY);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (TestRouter r = TestRouter.start(CONFIG, Map.of("seen", seen))) {
            QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols("hytale/2").build();
            Channel socket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder()
                            .sslEngineProvider(q -> ssl.newEngine(q.alloc(), "play.example.com", r.server.address().getPort()))
                            .maxIdleTimeout(30, TimeUnit.SECONDS)
                            .initialMaxData(1 << 20)
                            .initialMaxStreamDataBidirectionalLocal(256 * 1024)
                            .initialMaxStreamsBidirectional(16)
                            .build())
                    .bind(0).sync().channel();
            QuicChannel quic = QuicChannel.newBootstrap(socket).handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInboundHandlerAdapter()).remoteAddress(r.server.address())
                    .connect().get(30, TimeUnit.SECONDS);

            ServerAnswer first = connectOnNewStream(quic).get(30, TimeUnit.SECONDS);
            ServerAnswer second = connectOnNewStream(quic).get(30, TimeUnit.SECONDS);
            assertThat(first.isReferral()).isTrue();
            assertThat(first.host()).isEqualTo("a.internal");
            assertThat(second.isReferral()).isFalse();
            assertThat(second.reason()).isEqualTo("Only one Connect per connection.");
            // One decision: one plugin call, one referral, the round robin moved once.
            assertThat(seen.requests()).hasSize(1);
            assertThat(r.server.stats().extraConnects()).isEqualTo(1);
            assertThat(r.server.stats().connectsReceived()).isEqualTo(2);
            assertThat(r.run("play.example.com").answer().host()).isEqualTo("b.internal");
            quic.close().sync();
            socket.close().sync();
            r.assertNothingLeaks();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
