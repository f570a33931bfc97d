package dev.hyrouter.config;

import java.time.Duration;
import java.util.List;

/**
 * One plugin entry.
 *
 * @param timeout per-call budget (our addition; default 1s, the original's fixed value)
 * @param grpc    set for type grpc
 * @param wasm    set for type wasm
 * @param line    line of the entry in the file, for messages
 */
public record PluginConfig(
        String name,
        PluginType type,
        PluginStage stage,
        List<String> before,
        List<String> after,
        Duration timeout,
        GrpcSettings grpc,
        WasmSettings wasm,
        int line) {

    /** Plugin runtimes. */
    public enum PluginType {
        GRPC,
        WASM
    }

    /** {@code grpc}: the plugin server's address. */
    public record GrpcSettings(String address) {
    }

    /** {@code wasm}: the module's path. */
    public record WasmSettings(String path) {
    }
}
