package dev.hyrouter.plugins.wasm;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import java.nio.file.Path;

/**
 * One module instance called on the caller's thread, without the worker pool: the whole round
 * trip (JSON encode, alloc, write, call, read, JSON decode) with the call's deadline armed as an
 * inline call has it (1 s), and nothing else. For benchmarks and tools; the router itself goes
 * through {@link WasmPlugin}. Not thread safe.
 */
public final class WasmDirectCall implements AutoCloseable {
    private static final long DEADLINE_NANOS = 1_000_000_000L;
    private final WasmInstanceRunner runner;

    private WasmDirectCall(WasmInstanceRunner runner) {
        this.runner = runner;
    }

    public static WasmDirectCall open(Path module, boolean compile) throws WasmPluginException {
        PluginConfig.WasmSettings s = PluginConfig.WasmSettings.of(module.toString());
        s = new PluginConfig.WasmSettings(s.path(), 1, s.maxMemoryBytes(), 0, s.maxResponseBytes(), 1, compile, s.env(), s.args(), s.worker());
        WasmInstanceRunner runner = new WasmInstanceRunner("direct", WasmModuleLoader.load(module, compile), s, new WasmStats());
        runner.warmUp();
        return new WasmDirectCall(runner);
    }

    public ConnectResponse call(ConnectRequest request) throws WasmPluginException {
        WasmDeadline d = WasmDeadline.ofCurrentThread();
        d.arm(System.nanoTime() + DEADLINE_NANOS);
        try {
            return runner.call(request);
        } finally {
            d.disarm();
        }
    }

    @Override
    public void close() {
        runner.close();
    }
}
