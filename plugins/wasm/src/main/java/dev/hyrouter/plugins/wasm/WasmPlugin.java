package dev.hyrouter.plugins.wasm;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginOverloadedException;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin of type {@code wasm}: the module compiled once, a pool of workers each owning its
 * own instance (instances have their own memory, so concurrent callers never share one). Each
 * calling thread (event loop) is tied to one worker, so with at least as many workers as event
 * loops, calls from different loops never wait on each other.
 */
public final class WasmPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(WasmPlugin.class);

    private final String name;
    private final WasmWorker[] workers;
    private final WasmStats stats;
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final FastThreadLocal<WasmWorker> affinity;

    private WasmPlugin(String name, WasmWorker[] workers, WasmStats stats) {
        this.name = name;
        this.workers = workers;
        this.stats = stats;
        this.affinity = new FastThreadLocal<>() {
            @Override
            protected WasmWorker initialValue() {
                return workers[Math.floorMod(nextWorker.getAndIncrement(), workers.length)];
            }
        };
    }

    /** Loads, checks and compiles the module, and starts the workers with their instances. */
    public static WasmPlugin load(PluginConfig config) throws WasmPluginException {
        PluginConfig.WasmSettings s = config.wasm();
        WasmModuleLoader.Loaded loaded = WasmModuleLoader.load(Path.of(s.path()), s.compile());
        int pool = s.poolSize() > 0 ? s.poolSize() : Runtime.getRuntime().availableProcessors();
        WasmStats stats = new WasmStats();
        WasmWorker[] workers = new WasmWorker[pool];
        long start = System.nanoTime();
        try {
            for (int i = 0; i < pool; i++) {
                WasmInstanceRunner runner = new WasmInstanceRunner(config.name(), loaded, s, stats);
                runner.warmUp();
                workers[i] = new WasmWorker("wasm-" + config.name() + "-" + i, s.queueSize(), runner, stats);
            }
        } catch (WasmPluginException e) {
            throw new WasmPluginException("plugin " + config.name() + ": " + e.getMessage());
        }
        for (WasmWorker w : workers) {
            w.start();
        }
        LOG.info("wasm plugin {}: {} ({} KiB) {} in {} ms{}; {} instance(s) ready in {} ms", config.name(), s.path(),
                loaded.sizeBytes() / 1024, loaded.compiled() ? "compiled to JVM bytecode" : "interpreted", loaded.loadMillis(),
                loaded.reactor() ? ", reactor (_initialize run per instance)" : "", pool, (System.nanoTime() - start) / 1_000_000);
        return new WasmPlugin(config.name(), workers, stats);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
        WasmWorker worker = affinity.get();
        WasmWorker.Call call = new WasmWorker.Call(request, worker);
        if (!worker.submit(call)) {
            stats.shed.increment();
            CompletableFuture<ConnectResponse> f = new CompletableFuture<>();
            f.completeExceptionally(new PluginOverloadedException("wasm plugin " + name + " has a full queue"));
            return f;
        }
        return call.future;
    }

    public WasmStats stats() {
        return stats;
    }

    @Override
    public void close() {
        for (WasmWorker w : workers) {
            w.stop();
        }
    }
}
