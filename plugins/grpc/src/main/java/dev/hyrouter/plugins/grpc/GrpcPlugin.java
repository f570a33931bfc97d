package dev.hyrouter.plugins.grpc;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugins.sdk.PluginGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.File;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin of type {@code grpc}: a fixed pool of channels (HTTP/2 connections) to the plugin
 * server, created once at start-up and shared by every call; calls are asynchronous end to end
 * (the caller gets a future completed on gRPC's own event loop, nothing waits), each with its own
 * deadline; a circuit breaker skips a plugin that keeps failing. A server that is down at
 * start-up does not stop the router: channels reconnect in the background with backoff.
 */
public final class GrpcPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcPlugin.class);

    private final String name;
    private final ManagedChannel[] channels;
    private final EventLoopGroup group;
    private final long deadlineNanos;
    private final CircuitBreaker breaker;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder skippedByBreaker = new LongAdder();

    private GrpcPlugin(String name, ManagedChannel[] channels, EventLoopGroup group, Duration deadline, CircuitBreaker breaker) {
        this.name = name;
        this.channels = channels;
        this.group = group;
        this.deadlineNanos = deadline.toNanos();
        this.breaker = breaker;
    }

    /** Creates the channels and starts connecting them (without waiting). */
    public static GrpcPlugin connect(PluginConfig config) throws Exception {
        PluginConfig.GrpcSettings s = config.grpc();
        int threads = Math.max(1, Math.min(s.channels(), Runtime.getRuntime().availableProcessors()));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("grpc-" + config.name(), true),
                NioIoHandler.newFactory());
        SslContext ssl = null;
        if (s.tls()) {
            var b = GrpcSslContexts.forClient();
            if (!s.caFile().isEmpty()) {
                b.trustManager(new File(s.caFile()));
            }
            ssl = b.build();
        }
        ManagedChannel[] channels = new ManagedChannel[s.channels()];
        for (int i = 0; i < channels.length; i++) {
            NettyChannelBuilder b = NettyChannelBuilder.forTarget(s.address())
                    .eventLoopGroup(group)
                    .channelFactory(JsonSocketChannel::new, java.net.InetSocketAddress.class)
                    .directExecutor()
                    .maxInboundMessageSize(4 * 1024 * 1024)
                    .userAgent("hyrouter-java");
            if (!s.keepaliveTime().isZero()) {
                b.keepAliveTime(s.keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                        .keepAliveTimeout(s.keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            if (ssl != null) {
                b.sslContext(ssl);
                if (!s.serverName().isEmpty()) {
                    b.overrideAuthority(s.serverName());
                }
            } else {
                b.usePlaintext();
            }
            channels[i] = b.build();
            channels[i].getState(true);
        }
        CircuitBreaker breaker = new CircuitBreaker(config.name(), s.breakerFailures(), s.breakerCooldown(), System::nanoTime);
        LOG.info("grpc plugin {}: {} channel(s) to {} ({}), deadline {} ms, circuit breaker {}", config.name(), channels.length,
                s.address(), s.tls() ? "TLS" : "plaintext", config.timeout().toMillis(),
                s.breakerFailures() > 0 ? "after " + s.breakerFailures() + " failures for " + s.breakerCooldown().toMillis() + " ms" : "off");
        return new GrpcPlugin(config.name(), channels, group, config.timeout(), breaker);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
        if (!breaker.allow()) {
            skippedByBreaker.increment();
            return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("circuit open").asRuntimeException());
        }
        ManagedChannel channel = channels[Math.floorMod(next.getAndIncrement(), channels.length)];
        ClientCall<ConnectRequest, ConnectResponse> call = channel.newCall(PluginGrpc.ON_CONNECT,
                CallOptions.DEFAULT.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS));
        UnaryCall unary = new UnaryCall(call);
        inFlight.incrementAndGet();
        try {
            call.start(unary.listener, new Metadata());
            call.sendMessage(request);
            call.halfClose();
            call.request(2);
        } catch (RuntimeException e) {
            call.cancel("failed to start", e);
        }
        return unary;
    }

    /** Calls started and not finished (a leak shows here). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Calls refused by the open circuit. */
    public long skippedByBreaker() {
        return skippedByBreaker.sum();
    }

    public boolean circuitOpen() {
        return breaker.isOpen();
    }

    public long circuitOpenedCount() {
        return breaker.timesOpened();
    }

    public int channelCount() {
        return channels.length;
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** One unary call as a future; cancelling it (the chain's timeout) cancels the RPC. */
    private final class UnaryCall extends CompletableFuture<ConnectResponse> {
        private final ClientCall<ConnectRequest, ConnectResponse> call;
        private ConnectResponse response;
        private final ClientCall.Listener<ConnectResponse> listener = new ClientCall.Listener<>() {
            @Override
            public void onMessage(ConnectResponse message) {
                response = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                inFlight.decrementAndGet();
                if (status.isOk() && response != null) {
                    breaker.success();
                    complete(response);
                } else {
                    breaker.failure();
                    completeExceptionally(status.isOk()
                            ? Status.INTERNAL.withDescription("no response message").asRuntimeException()
                            : status.asRuntimeException(trailers));
                }
            }
        };

        UnaryCall(ClientCall<ConnectRequest, ConnectResponse> call) {
            this.call = call;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            call.cancel("abandoned by the router (timeout)", null);
            return cancelled;
        }
    }

    /** The socket channel of plugin connections, with the content-type installer at its head. */
    static final class JsonSocketChannel extends NioSocketChannel {
        JsonSocketChannel() {
            pipeline().addFirst("hyrouter-json-content-type", new JsonContentType.Installer());
        }
    }
}
