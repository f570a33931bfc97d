package dev.hyrouter.bench;

import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugins.wasm.WasmDirectCall;
import dev.hyrouter.routing.Backend;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A WASM plugin call's full round trip (JSON encode, alloc, write, on_connect, read, JSON decode)
 * on the hand-written WAT plugin and the C/WASI example, compiled to JVM bytecode versus interpreted, and with one
 * instance per thread on one and two threads (no shared state: the two-thread throughput should
 * be close to twice one thread's). The modules are the committed example binaries: run from the
 * repository root (bench/run.sh does).
 */
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WasmCallBenchmark extends SuiteDefaults {
    @Param({"compiled", "interpreted"})
    public String mode;

    @Param({"plugins/examples/wat-plugin/plugin.wasm", "plugins/examples/c-plugin/plugin.wasm"})
    public String module;

    private WasmDirectCall call;
    private ConnectRequest request;

    @Setup
    public void setup() throws Exception {
        call = WasmDirectCall.open(Path.of(module), mode.equals("compiled"));
        request = new ConnectRequest(new ConnectEvent("play.example.com", "", "2026.01.29-abc", 0,
                "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "Steve", "de-DE", true), "round_robin",
                List.of(new Backend("a.internal", 5521), new Backend("b.internal", 5522)), 0, new Backend("a.internal", 5521), null);
    }

    @TearDown
    public void tearDown() {
        call.close();
    }

    @Benchmark
    @Threads(1)
    public ConnectResponse callOneThread() throws Exception {
        return call.call(request);
    }

    @Benchmark
    @Threads(2)
    public ConnectResponse callTwoThreads() throws Exception {
        return call.call(request);
    }
}
