package dev.hyrouter.loadtest;

import dev.hyrouter.codec.ClientReferralEncoder;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.envelope.EnvelopeSigner;
import dev.hyrouter.server.tls.ServerTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicCodecDispatcher;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bare-QUIC reference for the load tests: the least a server must do to answer a Hytale
 * client (accept, read one frame, write one fixed referral, finish the stream) on the same
 * library and with the router's tuning: the same config file's listen address, TLS context
 * (certificate type, ALPN), QUIC limits, socket buffers and event-loop count, epoll with
 * SO_REUSEPORT and the codec dispatcher. No routing, no plugins, no logs, no counters. Router ÷
 * bare is the load report's headline: what the router's own work costs.
 *
 * <pre>java -cp ... dev.hyrouter.loadtest.BareQuicServer [config.yaml]   # runs until killed</pre>
 */
public final class BareQuicServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final ByteBuf answer;
    private final InetSocketAddress address;

    private BareQuicServer(EventLoopGroup group, List<Channel> channels, ByteBuf answer, InetSocketAddress address) {
        this.group = group;
        this.channels = channels;
        this.answer = answer;
        this.address = address;
    }

    public static BareQuicServer start(RouterConfig config) throws InterruptedException {
        int loops = config.quic().eventLoops() > 0 ? config.quic().eventLoops() : Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        // The same answer the router sends for the bundled config: a referral with an empty, unsigned envelope.
        ByteBuf answer = new ClientReferralEncoder(new EnvelopeSigner(0, null))
                .encode(PooledByteBufAllocator.DEFAULT, "play.hyvane.com".getBytes(StandardCharsets.UTF_8), 5520, null);
        long streamWindow = config.quic().maxFrameBytes() + 1024L;
        QuicServerCodecBuilder codec = new QuicServerCodecBuilder()
                .sslContext(ServerTls.build(config.tls(), config.quic().earlyData()))
                .maxIdleTimeout(config.quic().maxIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(streamWindow * 4)
                .initialMaxStreamDataBidirectionalRemote(streamWindow)
                .initialMaxStreamDataUnidirectional(16 * 1024)
                .initialMaxStreamsBidirectional(8)
                .initialMaxStreamsUnidirectional(8)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        // Nothing per connection: the idle timeout ends what the client leaves open.
                    }
                })
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.pipeline().addLast(new AnswerOnce(answer));
                    }
                });
        QuicCodecDispatcher dispatcher = new QuicCodecDispatcher() {
            @Override
            protected void initChannel(Channel channel, int localConnectionIdLength, QuicConnectionIdGenerator idGenerator) {
                channel.pipeline().addLast(codec.clone().localConnectionIdLength(localConnectionIdLength)
                        .connectionIdAddressGenerator(idGenerator).build());
            }
        };
        Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(UnixChannelOption.SO_REUSEPORT, true)
                .option(ChannelOption.SO_RCVBUF, config.quic().socketBufferBytes())
                .option(ChannelOption.SO_SNDBUF, config.quic().socketBufferBytes())
                .handler(dispatcher);
        List<Channel> channels = new ArrayList<>();
        String listen = config.listen();
        int colon = listen.lastIndexOf(':');
        String host = colon <= 0 ? "0.0.0.0" : listen.substring(0, colon);
        Channel first = b.bind(new InetSocketAddress(host, Integer.parseInt(listen.substring(colon + 1)))).sync().channel();
        channels.add(first);
        InetSocketAddress bound = (InetSocketAddress) first.localAddress();
        for (int i = 1; i < loops; i++) {
            channels.add(b.bind(bound).sync().channel());
        }
        return new BareQuicServer(group, channels, answer, bound);
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        channels.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        answer.release();
    }

    /** Reads until one whole frame has arrived, answers with the fixed referral, finishes the stream. */
    static final class AnswerOnce extends ChannelInboundHandlerAdapter {
        private final ByteBuf answer;
        private long need = -1;
        private long have;
        private final byte[] header = new byte[8];
        private boolean answered;

        AnswerOnce(ByteBuf answer) {
            this.answer = answer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (answered || !(msg instanceof ByteBuf)) {
                    return;
                }
                ByteBuf in = (ByteBuf) msg;
                while (in.isReadable() && have < 8) {
                    header[(int) have++] = in.readByte();
                }
                if (have >= 8 && need < 0) {
                    need = 8 + ((header[0] & 0xFFL) | (header[1] & 0xFFL) << 8 | (header[2] & 0xFFL) << 16 | (header[3] & 0xFFL) << 24);
                }
                have += in.readableBytes();
                if (need >= 0 && have >= need) {
                    answered = true;
                    ctx.writeAndFlush(answer.retainedDuplicate()).addListener(f -> {
                        if (f.isSuccess()) {
                            ((QuicStreamChannel) ctx.channel()).shutdownOutput().addListener(ChannelFutureListener.CLOSE);
                        } else {
                            ctx.close();
                        }
                    });
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "router/config/hyrouter.yaml");
        RouterConfig config = ConfigLoader.load(file);
        BareQuicServer server = start(config);
        System.out.println("bare QUIC reference listening on udp " + server.address() + " (tuning from " + file + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bare-shutdown"));
        Thread.currentThread().join();
    }
}
