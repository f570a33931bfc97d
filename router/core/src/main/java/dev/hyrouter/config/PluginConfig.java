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
 * @param failureMode what a failed call decides ({@code failure_mode}, our addition; default
 *                    {@link FailureMode#OPEN}, the original's rule)
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
        int line,
        FailureMode failureMode) {

    /** An entry with the original's failure rule ({@link FailureMode#OPEN}). */
    public PluginConfig(String name, PluginType type, PluginStage stage, List<String> before, List<String> after, Duration timeout,
            GrpcSettings grpc, WasmSettings wasm, int line) {
        this(name, type, stage, before, after, timeout, grpc, wasm, line, FailureMode.OPEN);
    }

    /**
     * What the chain does when a call errs, times out, meets an open circuit or is refused.
     * {@code OPEN}: the plugin is skipped, as in the original (a refused call still sheds the
     * connection). {@code CLOSED}: the connection is answered with
     * {@code messages.disconnect.plugin_unavailable}, as an authorisation hook expects.
     */
    public enum FailureMode {
        OPEN,
        CLOSED;

        private final String label = name().toLowerCase(java.util.Locale.ROOT);

        public String label() {
            return label;
        }
    }

    /** Plugin runtimes. */
    public enum PluginType {
        GRPC,
        WASM
    }

    /**
     * {@code grpc}: the plugin server's address (the original's only key) and our additions.
     *
     * @param channels           HTTP/2 connections to the plugin server, calls spread over them (default 2)
     * @param tls                TLS to the plugin server (default off: plaintext, as the original)
     * @param caFile             PEM trust roots for TLS ({@code ""} = the JVM's)
     * @param serverName         name to verify in the server certificate ({@code ""} = the address host)
     * @param keepaliveTime      HTTP/2 keepalive ping interval (0 = off)
     * @param keepaliveTimeout   how long a keepalive ping may go unanswered
     * @param breakerFailures    consecutive failures that open the circuit breaker (0 = no breaker)
     * @param breakerCooldown    how long an open breaker skips the plugin before one trial call
     */
    public record GrpcSettings(String address, int channels, boolean tls, String caFile, String serverName,
            java.time.Duration keepaliveTime, java.time.Duration keepaliveTimeout, int breakerFailures,
            java.time.Duration breakerCooldown) {

        /** Defaults for everything but the address. */
        public static GrpcSettings of(String address) {
            return new GrpcSettings(address, 2, false, "", "", java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10),
                    5, java.time.Duration.ofSeconds(10));
        }

        public GrpcSettings withChannels(int v) {
            return new GrpcSettings(address, v, tls, caFile, serverName, keepaliveTime, keepaliveTimeout, breakerFailures, breakerCooldown);
        }

        /** The circuit breaker: open after {@code failures} consecutive failures (0 = none) for {@code cooldown}. */
        public GrpcSettings withBreaker(int failures, java.time.Duration cooldown) {
            return new GrpcSettings(address, channels, tls, caFile, serverName, keepaliveTime, keepaliveTimeout, failures, cooldown);
        }
    }

    /**
     * {@code wasm}: the module's path (the original's only key) and our runtime limits.
     *
     * @param poolSize            inline: instances made ready at start (each event loop takes one at its first call);
     *                            worker: worker threads, each with its instance; 0 = one per available processor
     * @param maxMemoryBytes      an instance whose memory reaches this is recycled after its call (default 64 MiB);
     *                            twice this is the hard cap a single call cannot grow past
     * @param maxCallsPerInstance an instance is recycled after this many calls (default 10,000; modules
     *                            built by Go never free what {@code alloc} returns); 0 = never
     * @param maxResponseBytes    a larger response is a plugin error (default 64 KiB)
     * @param queueSize           calls waiting per worker before load is shed (default 1,024)
     * @param compile             compile to JVM bytecode (default) or interpret
     * @param env                 WASI environment granted to the module (default none)
     * @param args                WASI arguments granted to the module (default none)
     * @param worker              {@code mode: worker}: calls run on worker threads (poolSize of them, each with a
     *                            queue) instead of on the calling event loop ({@code mode: inline}, the default)
     */
    public record WasmSettings(String path, int poolSize, long maxMemoryBytes, int maxCallsPerInstance, int maxResponseBytes,
            int queueSize, boolean compile, java.util.Map<String, String> env, List<String> args, boolean worker, String compileCache) {

        public WasmSettings(String path, int poolSize, long maxMemoryBytes, int maxCallsPerInstance, int maxResponseBytes,
                int queueSize, boolean compile, java.util.Map<String, String> env, List<String> args, boolean worker) {
            this(path, poolSize, maxMemoryBytes, maxCallsPerInstance, maxResponseBytes, queueSize, compile, env, args, worker, "");
        }

        /** Defaults for everything but the path. */
        public static WasmSettings of(String path) {
            return new WasmSettings(path, 0, 64L * 1024 * 1024, 10_000, 64 * 1024, 1024, true, java.util.Map.of(), List.of(), false);
        }

        public WasmSettings withPoolSize(int v) {
            return new WasmSettings(path, v, maxMemoryBytes, maxCallsPerInstance, maxResponseBytes, queueSize, compile, env, args, worker, compileCache);
        }

        public WasmSettings withMaxMemoryBytes(long v) {
            return new WasmSettings(path, poolSize, v, maxCallsPerInstance, maxResponseBytes, queueSize, compile, env, args, worker, compileCache);
        }

        /** {@code 0} never recycles for the number of calls. */
        public WasmSettings withMaxCallsPerInstance(int v) {
            return new WasmSettings(path, poolSize, maxMemoryBytes, v, maxResponseBytes, queueSize, compile, env, args, worker, compileCache);
        }

        public WasmSettings withQueueSize(int v) {
            return new WasmSettings(path, poolSize, maxMemoryBytes, maxCallsPerInstance, maxResponseBytes, v, compile, env, args, worker, compileCache);
        }

        /** {@code true}: calls on worker threads; {@code false}: on the calling event loop. */
        public WasmSettings withWorker(boolean v) {
            return new WasmSettings(path, poolSize, maxMemoryBytes, maxCallsPerInstance, maxResponseBytes, queueSize, compile, env, args, v, compileCache);
        }

        /** A directory where compiled modules are kept between starts ({@code ""}: none). */
        public WasmSettings withCompileCache(String dir) {
            return new WasmSettings(path, poolSize, maxMemoryBytes, maxCallsPerInstance, maxResponseBytes, queueSize, compile, env, args, worker, dir);
        }

        public WasmSettings withCompile(boolean v) {
            return new WasmSettings(path, poolSize, maxMemoryBytes, maxCallsPerInstance, maxResponseBytes, queueSize, v, env, args, worker, compileCache);
        }
    }
}
