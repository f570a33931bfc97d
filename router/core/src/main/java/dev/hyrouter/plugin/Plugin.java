package dev.hyrouter.plugin;

import java.util.concurrent.CompletionStage;

/**
 * A plugin runtime's view of one configured plugin, independent of transport (WASM, gRPC, or
 * in-process for tests).
 *
 * <p>{@link #onConnect} must not block: it returns a stage that completes when the plugin has
 * answered, possibly on another thread. The chain applies its own per-call timeout, so an
 * implementation may leave a hung call pending; it should still free what the call holds when
 * the stage is cancelled or completes late.
 */
public interface Plugin extends AutoCloseable {
    String name();

    CompletionStage<ConnectResponse> onConnect(ConnectRequest request);

    /**
     * Whether this plugin takes part in the router's warm-up before ready ({@code warmup.sessions}):
     * only a plugin that runs inside the process and can answer invented connections on state of
     * its own, which players' calls never see. A plugin in another process never does: it must
     * not receive connections that no player made.
     */
    default boolean warmsUp() {
        return false;
    }

    /**
     * The call for a warm-up session (only when {@link #warmsUp}): the same code path as
     * {@link #onConnect}, on state kept apart from the players' (a WASM plugin's own instances).
     */
    default CompletionStage<ConnectResponse> onWarmupConnect(ConnectRequest request) {
        throw new UnsupportedOperationException("plugin " + name() + " takes no part in the warm-up");
    }

    /** The warm-up has ended: free what {@link #onWarmupConnect} made (called once no warm-up call is running). */
    default void endWarmup() {
    }

    /** Reports the runtime's own figures (called at scrape time, off the event loops). */
    default void reportMetrics(PluginMetrics out) {
    }

    /** Frees the plugin's resources at shutdown. */
    @Override
    default void close() {
    }
}
