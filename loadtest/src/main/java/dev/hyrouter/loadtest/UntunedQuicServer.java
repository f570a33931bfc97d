package dev.hyrouter.loadtest;

import dev.hyrouter.codec.ClientReferralEncoder;
import dev.hyrouter.envelope.EnvelopeSigner;
import dev.hyrouter.server.tls.SelfSignedCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The untuned reference: what a user writes from Netty's QUIC server example, with Netty's
 * defaults and nothing taken from the router. One NIO event loop, one socket with the kernel's
 * default buffers, the example's transport parameters (5 s idle timeout, 10 MB connection
 * window, 100 streams; Netty's own defaults open no stream at all) and Netty's default token
 * handler (none: no Retry, as the router's {@code limits.retry: never} in the same bench). It
 * answers each stream's first whole frame with
 * the same fixed referral as {@link BareQuicServer}. The certificate is a self-signed ECDSA P-256
 * one like the router's own default, so both sides pay the same for the TLS signature: the
 * certificate is a deployment's choice, not a server's tuning.
 *
 * <p>With {@code --request-client-certificate} it also asks each client for a certificate, as
 * the protocol requires of a Hytale server (and the router does): optional, with a trust manager
 * that names no authority, so the request stays a few bytes. That is the one message in which
 * the router's handshake differs from the untuned one, and it costs a Netty client a datagram.
 *
 * <pre>java -cp ... dev.hyrouter.loadtest.UntunedQuicServer PORT [--request-client-certificate]   # runs until killed</pre>
 */
public final class UntunedQuicServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final ByteBuf answer;

    private UntunedQuicServer(EventLoopGroup group, Channel channel, ByteBuf answer) {
        this.group = group;
        this.channel = channel;
        this.answer = answer;
    }

    public static UntunedQuicServer start(InetSocketAddress listen) throws InterruptedException {
        return start(listen, false);
    }

    public static UntunedQuicServer start(InetSocketAddress listen, boolean requestClientCertificate) throws InterruptedException {
        SelfSignedCertificate self = SelfSignedCertificate.generate("untuned.local", Duration.ofDays(7));
        QuicSslContextBuilder tls = QuicSslContextBuilder.forServer(self.key(), null, self.certificate())
                .applicationProtocols("hytale/2", "hytale/1");
        if (requestClientCertificate) {
            // Netty's default trust store would name every CA it knows in the request: 15.5 KB more per handshake.
            tls.clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        QuicSslContext ssl = tls.build();
        ByteBuf answer = new ClientReferralEncoder(new EnvelopeSigner(0, null))
                .encode(PooledByteBufAllocator.DEFAULT, "play.hyvane.com".getBytes(StandardCharsets.UTF_8), 5520, null);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        io.netty.channel.ChannelHandler codec = new QuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(5000, TimeUnit.MILLISECONDS)
                .initialMaxData(10_000_000)
                .initialMaxStreamDataBidirectionalLocal(1_000_000)
                .initialMaxStreamDataBidirectionalRemote(1_000_000)
                .initialMaxStreamsBidirectional(100)
                .initialMaxStreamsUnidirectional(100)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                    }
                })
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.pipeline().addLast(new BareQuicServer.AnswerOnce(answer));
                    }
                })
                .build();
        Channel channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(listen).sync().channel();
        return new UntunedQuicServer(group, channel, answer);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        answer.release();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5520;
        boolean request = Arrays.asList(args).contains("--request-client-certificate");
        UntunedQuicServer server = start(new InetSocketAddress("127.0.0.1", port), request);
        System.out.println("untuned QUIC reference listening on udp " + server.address());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "untuned-shutdown"));
        Thread.currentThread().join();
    }
}
