package dev.hyrouter.plugins.sdk;

import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Serves {@code hyrouter.Plugin/OnConnect} with JSON messages on a grpc-java server, from a plain
 * function or an asynchronous one. The server accepts {@code application/grpc} and
 * {@code application/grpc+json} alike, so both this router and the Go original can call it.
 *
 * <pre>{@code
 * try (PluginServer server = PluginServer.start(new InetSocketAddress("127.0.0.1", 7777), request ->
 *         "deny".equalsIgnoreCase(request.event().username())
 *                 ? ConnectResponse.denyWith("denied by my plugin")
 *                 : ConnectResponse.EMPTY)) {
 *     server.awaitTermination();
 * }
 * }</pre>
 */
public final class PluginServer implements AutoCloseable {
    private final Server server;

    private PluginServer(Server server) {
        this.server = server;
    }

    /** Starts a server answering with {@code handler} (called on gRPC's executor). */
    public static PluginServer start(InetSocketAddress listen, Function<ConnectRequest, ConnectResponse> handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        return startAsync(listen, r -> java.util.concurrent.CompletableFuture.completedFuture(handler.apply(r)));
    }

    /**
     * Starts a server whose handler never blocks and runs on gRPC's event loops directly (no
     * executor hop): the fastest form, for handlers that only compute.
     */
    public static PluginServer startNonBlocking(InetSocketAddress listen, Function<ConnectRequest, ConnectResponse> handler)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        return start(listen, r -> java.util.concurrent.CompletableFuture.completedFuture(handler.apply(r)), true);
    }

    /** Starts a server whose handler answers asynchronously. */
    public static PluginServer startAsync(InetSocketAddress listen, Function<ConnectRequest, CompletionStage<ConnectResponse>> handler)
            throws IOException {
        return start(listen, handler, false);
    }

    /**
     * Starts a non-blocking server (as {@link #startNonBlocking}) whose listener and connections
     * run on {@code loops}, which it never shuts down: for a server inside a process that has
     * event loops of its own (the router's warm-up starts one on the router's loops, so that
     * stopping it stops no thread).
     *
     * @param channelType the server channel class for {@code loops}' transport (epoll or NIO)
     */
    public static PluginServer startNonBlockingOn(InetSocketAddress listen, Function<ConnectRequest, ConnectResponse> handler,
            io.netty.channel.EventLoopGroup loops, Class<? extends io.netty.channel.ServerChannel> channelType) throws IOException {
        Objects.requireNonNull(handler, "handler");
        NettyServerBuilder b = NettyServerBuilder.forAddress(listen).bossEventLoopGroup(loops).workerEventLoopGroup(loops)
                .channelType(channelType);
        return start(b, r -> java.util.concurrent.CompletableFuture.completedFuture(handler.apply(r)), true);
    }

    private static PluginServer start(InetSocketAddress listen, Function<ConnectRequest, CompletionStage<ConnectResponse>> handler,
            boolean direct) throws IOException {
        return start(NettyServerBuilder.forAddress(listen), handler, direct);
    }

    private static PluginServer start(NettyServerBuilder b, Function<ConnectRequest, CompletionStage<ConnectResponse>> handler,
            boolean direct) throws IOException {
        Objects.requireNonNull(handler, "handler");
        ServerServiceDefinition service = ServerServiceDefinition.builder(PluginGrpc.SERVICE)
                .addMethod(PluginGrpc.ON_CONNECT, ServerCalls.asyncUnaryCall((request, observer) -> {
                    CompletionStage<ConnectResponse> stage;
                    try {
                        stage = handler.apply(request);
                    } catch (RuntimeException e) {
                        observer.onError(Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
                        return;
                    }
                    stage.whenComplete((response, error) -> {
                        if (error != null) {
                            observer.onError(Status.INTERNAL.withDescription(String.valueOf(error.getMessage())).asRuntimeException());
                        } else {
                            observer.onNext(response == null ? ConnectResponse.EMPTY : response);
                            observer.onCompleted();
                        }
                    });
                }))
                .build();
        b.addService(service);
        if (direct) {
            b.directExecutor();
        }
        Server server = b.build().start();
        return new PluginServer(server);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
