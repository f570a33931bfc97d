package dev.hyrouter.testing;

import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** An in-process plugin for tests: answers with a function of the request and records requests. */
public final class TestPlugin implements Plugin {
    private final String name;
    private final Function<ConnectRequest, CompletionStage<ConnectResponse>> behaviour;
    private final List<ConnectRequest> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private TestPlugin(String name, Function<ConnectRequest, CompletionStage<ConnectResponse>> behaviour) {
        this.name = name;
        this.behaviour = behaviour;
    }

    public static TestPlugin answering(String name, Function<ConnectRequest, ConnectResponse> f) {
        return new TestPlugin(name, r -> CompletableFuture.completedFuture(f.apply(r)));
    }

    public static TestPlugin async(String name, Function<ConnectRequest, CompletionStage<ConnectResponse>> f) {
        return new TestPlugin(name, f);
    }

    /** Denies the username {@code deny}; otherwise changes nothing. */
    public static TestPlugin denyUsername(String name, String username, String reason) {
        return answering(name, r -> username.equals(r.event().username()) ? ConnectResponse.denyWith(reason) : ConnectResponse.EMPTY);
    }

    public static TestPlugin failing(String name) {
        return new TestPlugin(name, r -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
    }

    public static TestPlugin throwing(String name) {
        return new TestPlugin(name, r -> {
            throw new IllegalStateException("thrown");
        });
    }

    /** Never answers. */
    public static TestPlugin hanging(String name) {
        return new TestPlugin(name, r -> new CompletableFuture<>());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
        requests.add(request);
        return behaviour.apply(request);
    }

    public List<ConnectRequest> requests() {
        return requests;
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean closed() {
        return closed;
    }
}
