package io.netty.handler.codec.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.server.tls.SelfSignedCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real server-side QUIC engine lets go of its channel once released (its SNI callback is a lambda over the channel). */
class QuicConnectionReleaseTest {

    @Test
    void aReleasedEngineNoLongerReachesItsChannel() throws Exception {
        SelfSignedCertificate self = SelfSignedCertificate.generate("release.test", Duration.ofDays(1));
        QuicSslContext tls = QuicSslContextBuilder.forServer(self.key(), null, self.certificate()).applicationProtocols("hytale/2", "hytale/1").build();
        CompletableFuture<Boolean> heldBefore = new CompletableFuture<>();
        CompletableFuture<Boolean> heldAfter = new CompletableFuture<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HytaleClient client = HytaleClient.create(1)) {
            Channel server = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(new QuicServerCodecBuilder()
                    .sslContext(tls)
                    .maxIdleTimeout(5000, TimeUnit.MILLISECONDS)
                    .initialMaxData(1 << 20)
                    .initialMaxStreamDataBidirectionalRemote(1 << 16)
                    .initialMaxStreamsBidirectional(2)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            QuicheQuicSslEngine engine = (QuicheQuicSslEngine) ((QuicChannel) ctx.channel()).sslEngine();
                            heldBefore.complete(engine.sniSelectedCallback != null);
                            ctx.close();
                        }

                        @Override
                        public void handlerRemoved(ChannelHandlerContext ctx) {
                            // Where the router's connection handler releases it: the connection is gone.
                            javax.net.ssl.SSLEngine engine = ((QuicChannel) ctx.channel()).sslEngine();
                            QuicConnectionRelease.release(engine);
                            heldAfter.complete(((QuicheQuicSslEngine) engine).sniSelectedCallback != null);
                        }
                    })
                    .streamHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }
                    })
                    .build()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try {
                InetSocketAddress at = (InetSocketAddress) server.localAddress();
                client.run(ClientRequest.to(at, "release.test").withTimeout(Duration.ofSeconds(5)));
                assertThat(heldBefore.get(10, TimeUnit.SECONDS)).as("a live connection's engine holds its SNI callback").isTrue();
                assertThat(heldAfter.get(10, TimeUnit.SECONDS)).as("released").isFalse();
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void anythingButANettyQuicEngineIsLeftAlone() {
        assertThatCode(() -> QuicConnectionRelease.release(null)).doesNotThrowAnyException();
        assertThatCode(() -> QuicConnectionRelease.release(javax.net.ssl.SSLContext.getDefault().createSSLEngine())).doesNotThrowAnyException();
    }
}
