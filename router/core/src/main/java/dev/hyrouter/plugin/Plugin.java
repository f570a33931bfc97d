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
     * Whether this plugin takes part in the router's warm-up before ready ({@code warmup.sessions})
     * through a {@link #warmupTwin} that answers invented connections on state of its own, which
     * players' calls never see. A plugin whose code runs in another process must never receive a
     * connection no player made: its twin may only run this process's side of the call (a gRPC
     * plugin's twin calls a server of the router's own on loopback).
     */
    default boolean warmsUp() {
        return false;
    }

    /**
     * For the router's warm-up (only when {@link #warmsUp}): a plugin of this one's own class
     * whose {@link #onConnect} runs the same code on state of its own (a WASM plugin's own
     * instances and counters), which players' calls never see; closing it ends its part and touches
     * nothing of this plugin's (a runtime may keep the twin, idle, until this plugin closes: a gRPC
     * plugin's twin does, see {@code GrpcPlugin.warmupTwin}). The same class rather than a wrapper: the chain's compiled call to
     * {@code onConnect} then meets one class before ready and after, and the first player's call
     * does not throw the compiled chain away.
     */
    default Plugin warmupTwin() {
        throw new UnsupportedOperationException("plugin " + name() + " takes no part in the warm-up");
    }

    /** Reports the runtime's own figures (called at scrape time, off the event loops). */
    default void reportMetrics(PluginMetrics out) {
    }

    /** Frees the plugin's resources at shutdown. */
    @Override
    default void close() {
    }
}
