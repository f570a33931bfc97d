package dev.hyrouter.plugins.wasm;

import com.dslplatform.json.JsonReader;
import com.dslplatform.json.JsonWriter;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.json.PluginJson;
import dev.hyrouter.plugin.json.PluginJsonException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * One live instance of a plugin module and everything a call needs (its exports, a JSON writer
 * and reader). A call writes the request JSON at the pointer {@code alloc} returns, calls
 * {@code on_connect}, bounds-checks and reads the response, and decodes it.
 *
 * <p>The instance is replaced after a trap or an interrupted (timed-out) call, when its memory
 * has grown beyond the limit, or after the configured number of calls. Not thread safe: owned by
 * one worker thread.
 */
final class WasmInstanceRunner {
    private static final int PAGE = 65536;

    private final String name;
    private final WasmModuleLoader.Loaded loaded;
    private final PluginConfig.WasmSettings settings;
    private final WasmStats stats;
    private final JsonWriter writer = PluginJson.newWriter();
    private final JsonReader<Object> reader = PluginJson.newReader();

    private Instance instance;
    private WasiPreview1 wasi;
    private Memory memory;
    private ExportFunction alloc;
    private ExportFunction onConnect;
    private int calls;
    /** This instance's memory as last reported to the stats: they hear of growth, not of every call. */
    private long reportedMemory;

    WasmInstanceRunner(String name, WasmModuleLoader.Loaded loaded, PluginConfig.WasmSettings settings, WasmStats stats) {
        this.name = name;
        this.loaded = loaded;
        this.settings = settings;
        this.stats = stats;
    }

    /** Creates the instance now (start-up), so the first call does not pay for it. */
    void warmUp() throws WasmPluginException {
        ensureInstance();
    }

    private void ensureInstance() throws WasmPluginException {
        if (instance != null) {
            return;
        }
        WasiOptions.Builder options = WasiOptions.builder()
                .withClock(Clock.systemUTC())
                .withRandom(new SecureRandom())
                .withStdout(new LogLineStream(name, "stdout"))
                .withStderr(new LogLineStream(name, "stderr"))
                .withArguments(settings.args());
        for (Map.Entry<String, String> e : settings.env().entrySet()) {
            options.withEnvironment(e.getKey(), e.getValue());
        }
        WasiPreview1 w = WasiPreview1.builder().withOptions(options.build()).build();
        try {
            // The configured limit is where an instance is recycled between calls; the hard cap,
            // twice that, only stops a single runaway call (memory.grow fails, the module traps).
            int maxPages = (int) Math.min(65536, Math.max(1, 2 * settings.maxMemoryBytes() / PAGE));
            Instance inst = Instance.builder(loaded.module())
                    .withImportValues(ImportValues.builder().addFunction(w.toHostFunctions()).build())
                    .withMachineFactory(loaded.machines())
                    .withMemoryLimits(memoryLimits(maxPages))
                    .withStart(false)
                    .build();
            if (loaded.reactor()) {
                inst.export("_initialize").apply();
            }
            instance = inst;
            wasi = w;
            memory = inst.memory();
            alloc = inst.export("alloc");
            onConnect = inst.export("on_connect");
            calls = 0;
            stats.instancesCreated.increment();
        } catch (RuntimeException e) {
            w.close();
            throw new WasmPluginException("instantiation failed: " + describe(e));
        }
    }

    private MemoryLimits memoryLimits(int maxPages) {
        // The module's own initial size must fit; growth beyond the configured limit then fails
        // inside the module (a trap), and the instance is recycled.
        int initial = loaded.module().memorySection().map(s -> s.getMemory(0).limits().initialPages()).orElse(1);
        return new MemoryLimits(initial, Math.max(initial, maxPages));
    }

    /**
     * Runs one call.
     *
     * @throws WasmPluginException for any failure; the instance is discarded when the failure
     *     leaves its state unknown (trap, interruption)
     */
    ConnectResponse call(ConnectRequest request) throws WasmPluginException {
        ensureInstance();
        boolean healthy = false;
        try {
            PluginJson.writeRequest(writer, request);
            int length = writer.size();
            int ptr = (int) alloc.apply(length)[0];
            long memBytes = (long) memory.pages() * PAGE;
            if (ptr < 0 || (ptr & 0xFFFFFFFFL) + length > memBytes) {
                throw new WasmPluginException("alloc(" + length + ") returned " + (ptr & 0xFFFFFFFFL)
                        + ", outside the module's memory of " + memBytes + " bytes");
            }
            memory.write(ptr, writer.getByteBuffer(), 0, length);
            long packed = onConnect.apply(ptr, length)[0];
            long respPtr = packed >>> 32;
            long respLen = packed & 0xFFFFFFFFL;
            memBytes = (long) memory.pages() * PAGE;
            if (memBytes > reportedMemory) {
                reportedMemory = memBytes;
                stats.recordMemory(memBytes);
            }
            if (respLen > settings.maxResponseBytes()) {
                healthy = true;
                throw new WasmPluginException("response of " + respLen + " bytes exceeds wasm.max_response_bytes ("
                        + settings.maxResponseBytes() + ")");
            }
            if (respPtr + respLen > memBytes) {
                healthy = true;
                throw new WasmPluginException("response at " + respPtr + " (+" + respLen + " bytes) lies outside the module's memory of "
                        + memBytes + " bytes");
            }
            byte[] response = memory.readBytes((int) respPtr, (int) respLen);
            healthy = true;
            try {
                return PluginJson.readResponse(reader, response, response.length);
            } catch (PluginJsonException e) {
                throw new WasmPluginException(e.getMessage());
            }
        } catch (WasmPluginException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new WasmPluginException(describe(e));
        } finally {
            calls++;
            afterCall(healthy);
        }
    }

    private void afterCall(boolean healthy) {
        if (!healthy) {
            recycle(stats.recycledAfterFailure);
        } else if (memory != null && (long) memory.pages() * PAGE >= settings.maxMemoryBytes()) {
            recycle(stats.recycledForMemory);
        } else if (settings.maxCallsPerInstance() > 0 && calls >= settings.maxCallsPerInstance()) {
            recycle(stats.recycledForCalls);
        }
    }

    private void recycle(java.util.concurrent.atomic.LongAdder reason) {
        reason.increment();
        close();
    }

    void close() {
        if (wasi != null) {
            wasi.close();
        }
        instance = null;
        wasi = null;
        memory = null;
        alloc = null;
        onConnect = null;
    }

    static String describe(Throwable e) {
        String kind = e.getClass().getSimpleName();
        if (kind.contains("Interrupted")) {
            return "interrupted (call exceeded its time budget)";
        }
        String m = e.getMessage();
        return (kind.contains("Trap") ? "trap" : kind) + (m == null ? "" : ": " + m);
    }
}
