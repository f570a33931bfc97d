package dev.hyrouter.bench;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RoutingCompiler;
import dev.hyrouter.routing.RoutingEngine;
import dev.hyrouter.routing.RoutingRequest;
import dev.hyrouter.routing.RoutingResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A routing decision in a pool of 1,000 discovered-style backends: a compare filter
 * (players below capacity), a numeric sort on the player counter, a limit of 100, then the
 * strategy. This is the per-connection cost of a large Agones fleet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Dio.netty.leakDetection.level=disabled",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class StrategyBenchmark {
    @Param({"round_robin", "random", "weighted", "least_loaded", "p2c"})
    public String strategy;

    private RoutingEngine engine;
    private final RoutingResult result = new RoutingResult();
    private final RoutingRequest request = RoutingRequest.ofSni("fleet.example.com");

    @Setup
    public void setup() throws Exception {
        StringBuilder y = new StringBuilder("routing:\n  routes:\n    - match: {hostname: fleet.example.com}\n      pool:\n");
        y.append("        strategy: ").append(strategy).append('\n');
        if (strategy.equals("least_loaded") || strategy.equals("p2c")) {
            y.append("        key: counter:players.count\n");
        }
        y.append("        filters: [{type: compare, left: counter:players.count, op: lt, right: counter:players.capacity}]\n");
        y.append("        sort: [{key: counter:players.count, order: asc, type: number}]\n");
        y.append("        limit: 100\n        backends:\n");
        for (int i = 0; i < 1000; i++) {
            // Every tenth server is full, so the filter has work to do.
            int players = i % 10 == 0 ? 100 : (i * 37) % 100;
            y.append("          - {host: gs").append(i).append(".internal, port: ").append(7000 + i).append(", weight: ").append(1 + i % 5)
                    .append(", meta: {counter.players.count: \"").append(players).append("\", counter.players.capacity: \"100\"}}\n");
        }
        engine = RoutingCompiler.compile(ConfigLoader.parse(y.toString(), "bench.yaml", false).routing(), null);
    }

    @Benchmark
    public Object decide() {
        engine.decide(request, result);
        return result.backend();
    }
}
