package dev.hyrouter.plugins.wasm;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginOverloadedException;
import dev.hyrouter.plugin.PluginTimeoutException;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin of type {@code wasm}: the module compiled once, instances created from it, each
 * owned by one thread (instances have their own memory, so callers never share one).
 *
 * <p><b>Inline</b> (default, {@code wasm.mode: inline}): the call runs on the calling event loop,
 * on that loop's own instance, and its answer is there when {@code onConnect} returns: no queue,
 * no thread hop, no wake-up. Compiled code checks the call's deadline (the plugin's
 * {@code timeout}) itself ({@link WasmDeadline}), and {@link WasmWatchdog} interrupts a call
 * still running at its deadline; the instance is then recycled. So a loop is held at most the
 * plugin's timeout plus the time to the next check, during which that loop's other
 * connections wait (those of other loops do not); a plugin whose calls can legitimately take
 * long should use the worker mode.
 *
 * <p><b>Worker</b> ({@code wasm.mode: worker}): {@code pool_size} worker threads, each with its
 * instance and a bounded queue; an event loop hands the call to the worker tied to it and the
 * chain's deadline cancels (interrupts) a late call; a full queue sheds the connection.
 */
public final class WasmPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(WasmPlugin.class);

    private final String name;
    private final WasmStats stats;
    private final WasmWorker[] workers;
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final FastThreadLocal<WasmWorker> affinity;
    // Inline mode.
    private final WasmModuleLoader.Loaded loaded;
    private final PluginConfig.WasmSettings settings;
    private final long timeoutNanos;
    private final ConcurrentLinkedQueue<WasmInstanceRunner> ready;
    private final List<Inline> inlines = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<Inline> inline;
    private volatile boolean closed;

    /** One calling thread's instance and watchdog slot, and the counters its calls go to. */
    private static final class Inline {
        final WasmInstanceRunner runner;
        final WasmWatchdog.Slot slot;
        final WasmStats stats;

        Inline(WasmInstanceRunner runner, WasmWatchdog.Slot slot, WasmStats stats) {
            this.runner = runner;
            this.slot = slot;
            this.stats = stats;
        }
    }

    private WasmPlugin(String name, WasmStats stats, WasmWorker[] workers, WasmModuleLoader.Loaded loaded,
            PluginConfig.WasmSettings settings, long timeoutNanos, ConcurrentLinkedQueue<WasmInstanceRunner> ready) {
        this.name = name;
        this.stats = stats;
        this.workers = workers;
        this.loaded = loaded;
        this.settings = settings;
        this.timeoutNanos = timeoutNanos;
        this.ready = ready;
        this.affinity = new FastThreadLocal<>() {
            @Override
            protected WasmWorker initialValue() {
                return workers[Math.floorMod(nextWorker.getAndIncrement(), workers.length)];
            }
        };
        this.inline = new FastThreadLocal<>() {
            @Override
            protected Inline initialValue() {
                WasmInstanceRunner r = ready.poll();
                if (r == null) { // more calling threads than instances made at start: this one pays its instance on first call
                    r = new WasmInstanceRunner(name, loaded, settings, stats);
                }
                Inline in = new Inline(r, WasmWatchdog.register(timeoutNanos, stats), stats);
                inlines.add(in);
                return in;
            }
        };
    }

    /** Loads, checks and compiles the module, and makes the instances (and, in worker mode, starts the workers). */
    public static WasmPlugin load(PluginConfig config) throws WasmPluginException {
        PluginConfig.WasmSettings s = config.wasm();
        CompileCache cache = null;
        if (s.compile() && !s.compileCache().isEmpty()) {
            try {
                cache = CompileCache.open(Path.of(s.compileCache()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("wasm plugin {}: wasm.compile_cache {} cannot be used ({}); the module is compiled at every start", config.name(),
                        s.compileCache(), e.toString());
            }
        }
        int hitsBefore = cache == null ? 0 : cache.hits();
        try {
            return start(config, WasmModuleLoader.load(Path.of(s.path()), s.compile(), cache));
        } catch (WasmPluginException e) {
            if (cache == null || cache.hits() == hitsBefore) {
                throw e;
            }
            // Cached classes that do not load or do not instantiate (damaged, or another build's):
            // drop the entry and compile, which stores a good one.
            LOG.warn("wasm plugin {}: the module's cached classes in {} could not be used ({}); compiling it again", config.name(),
                    cache.directory(), e.getMessage());
            cache.evict(cache.lastHit());
            return start(config, WasmModuleLoader.load(Path.of(s.path()), s.compile(), cache));
        }
    }

    private static WasmPlugin start(PluginConfig config, WasmModuleLoader.Loaded loaded) throws WasmPluginException {
        PluginConfig.WasmSettings s = config.wasm();
        int pool = s.poolSize() > 0 ? s.poolSize() : Runtime.getRuntime().availableProcessors();
        WasmStats stats = new WasmStats();
        long start = System.nanoTime();
        WasmWorker[] workers = new WasmWorker[s.worker() ? pool : 0];
        ConcurrentLinkedQueue<WasmInstanceRunner> ready = new ConcurrentLinkedQueue<>();
        try {
            for (int i = 0; i < pool; i++) {
                WasmInstanceRunner runner = new WasmInstanceRunner(config.name(), loaded, s, stats);
                runner.warmUp();
                if (s.worker()) {
                    workers[i] = new WasmWorker("wasm-" + config.name() + "-" + i, s.queueSize(), runner, stats);
                } else {
                    ready.add(runner);
                }
            }
        } catch (WasmPluginException e) {
            ready.forEach(WasmInstanceRunner::close);
            throw new WasmPluginException("plugin " + config.name() + ": " + e.getMessage());
        }
        for (WasmWorker w : workers) {
            w.start();
        }
        LOG.info("wasm plugin {}: {} ({} KiB) {} in {} ms{}; {} instance(s) ready in {} ms, {}", config.name(), s.path(),
                loaded.sizeBytes() / 1024, loaded.cached() ? "loaded compiled from " + loaded.cache().directory()
                        : loaded.compiled() ? "compiled to JVM bytecode" : "interpreted", loaded.loadMillis(),
                loaded.reactor() ? ", reactor (_initialize run per instance)" : "", pool, (System.nanoTime() - start) / 1_000_000,
                s.worker() ? "called on " + pool + " worker thread(s)" : "called inline on each event loop, deadline "
                        + config.timeout().toMillis() + " ms");
        return new WasmPlugin(config.name(), stats, workers, loaded, s, config.timeout().toNanos(), ready);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(new WasmPluginException("plugin " + name + " is closed"));
        }
        if (workers.length == 0) {
            return callInline(request);
        }
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

    private CompletionStage<ConnectResponse> callInline(ConnectRequest request) {
        return callOn(inline.get(), request);
    }

    private CompletionStage<ConnectResponse> callOn(Inline in, ConnectRequest request) {
        long start = System.nanoTime();
        in.slot.begin();
        ConnectResponse response = null;
        Throwable failure = null;
        try {
            response = in.runner.call(request);
        } catch (WasmPluginException | RuntimeException | StackOverflowError e) {
            failure = e;
        }
        if (in.slot.end()) {
            long held = System.nanoTime() - start;
            in.stats.recordOvershoot(held - timeoutNanos);
            return CompletableFuture.failedFuture(new PluginTimeoutException("wasm plugin " + name + " ran past its "
                    + timeoutNanos / 1_000_000 + " ms deadline and was interrupted (held its event loop " + held / 1_000 + " us)"));
        }
        return failure == null ? CompletableFuture.completedFuture(response) : CompletableFuture.failedFuture(failure);
    }

    /** In the process, and its warm-up calls run on instances of their own: a plugin's memory never holds an invented connection. */
    @Override
    public boolean warmsUp() {
        return true;
    }

    /**
     * The same class over the same compiled module, with instances and counters of its own (made
     * per calling thread on its first call, instancing and recycling counted apart from the
     * plugin's), always called inline: compiling the runner and the module's code is the point,
     * and a worker's code is the same code. {@link #close} frees them.
     */
    @Override
    public Plugin warmupTwin() {
        return new WasmPlugin(name, new WasmStats(), new WasmWorker[0], loaded, settings, timeoutNanos, new ConcurrentLinkedQueue<>());
    }

    public WasmStats stats() {
        return stats;
    }

    @Override
    public void reportMetrics(dev.hyrouter.plugin.PluginMetrics out) {
        out.counter("hyrouter_wasm_instances_created", "WASM instances created (start-up, recycling, new calling threads)",
                stats.instancesCreated(), "plugin", name);
        String recycled = "WASM instances recycled, by cause";
        out.counter("hyrouter_wasm_instances_recycled", recycled, stats.recycledAfterFailure(), "plugin", name, "cause", "failure");
        out.counter("hyrouter_wasm_instances_recycled", recycled, stats.recycledForMemory(), "plugin", name, "cause", "memory");
        out.counter("hyrouter_wasm_instances_recycled", recycled, stats.recycledForCalls(), "plugin", name, "cause", "calls");
        out.gauge("hyrouter_wasm_instances_live", "WASM instances alive (created minus recycled)",
                stats.instancesCreated() - stats.recycledAfterFailure() - stats.recycledForMemory() - stats.recycledForCalls(), "plugin", name);
        out.counter("hyrouter_wasm_deadline_interrupts", "WASM calls interrupted at their deadline", stats.interrupted(), "plugin", name);
        out.counter("hyrouter_wasm_watchdog_interrupts", "Inline WASM calls the watchdog thread had to interrupt (interpreted code; compiled code stops itself)",
                stats.watchdogInterrupts(), "plugin", name);
        out.gauge("hyrouter_wasm_max_overshoot_seconds", "Inline calls: the longest an interrupted call held its event loop past its deadline",
                stats.maxOvershootNanos() / 1e9, "plugin", name);
        out.gauge("hyrouter_wasm_memory_high_water_bytes", "The largest linear memory any instance of the plugin reached (a plugin that"
                + " leaks grows it until wasm.max_memory_bytes recycles the instance)", stats.memoryHighWater(), "plugin", name);
        out.counter("hyrouter_wasm_late_interrupts", "Inline calls that held their event loop more than 1 ms past their deadline",
                stats.lateInterrupts(), "plugin", name);
    }

    /** Whether calls run on the calling thread ({@code wasm.mode: inline}). */
    public boolean inline() {
        return workers.length == 0;
    }

    /** The module as loaded (for tests and the start-up log: compiled, interpreted, or from the compile cache). */
    WasmModuleLoader.Loaded loaded() {
        return loaded;
    }

    @Override
    public void close() {
        closed = true;
        for (WasmWorker w : workers) {
            w.stop();
        }
        // Called after the plugin's last possible call (a reload retires it only then).
        for (Inline in : inlines) {
            WasmWatchdog.unregister(in.slot);
            in.runner.close();
        }
        WasmInstanceRunner r;
        while ((r = ready.poll()) != null) {
            r.close();
        }
    }
}
