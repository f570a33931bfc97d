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

    /** Reports the runtime's own figures (called at scrape time, off the event loops). */
    default void reportMetrics(PluginMetrics out) {
    }

    /** Frees the plugin's resources at shutdown. */
    @Override
    default void close() {
    }
}
