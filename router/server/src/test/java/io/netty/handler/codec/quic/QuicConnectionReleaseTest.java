package io.netty.handler.codec.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.server.QuicBackend;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real server-side QUIC engine lets go of its channel once released (its SNI callback is a lambda over the channel). */
class QuicConnectionReleaseTest {

    @Test
    void aReleasedEngineNoLongerReachesItsChannel() throws Exception {
        CompletableFuture<Boolean> heldBefore = new CompletableFuture<>();
        CompletableFuture<Boolean> heldAfter = new CompletableFuture<>();
        try (QuicBackend server = QuicBackend.start(() -> new ChannelInboundHandlerAdapter() {
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
                });
                HytaleClient client = HytaleClient.create(1)) {
            client.run(ClientRequest.to(new InetSocketAddress("127.0.0.1", server.port()), "backend.test").withTimeout(Duration.ofSeconds(5)));
            assertThat(heldBefore.get(10, TimeUnit.SECONDS)).as("a live connection's engine holds its SNI callback").isTrue();
            assertThat(heldAfter.get(10, TimeUnit.SECONDS)).as("released").isFalse();
        }
    }

    @Test
    void anythingButANettyQuicEngineIsLeftAlone() {
        assertThatCode(() -> QuicConnectionRelease.release(null)).doesNotThrowAnyException();
        assertThatCode(() -> QuicConnectionRelease.release(javax.net.ssl.SSLContext.getDefault().createSSLEngine())).doesNotThrowAnyException();
    }
}
