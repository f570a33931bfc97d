package dev.hyrouter.bench;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RoutingCompiler;
import dev.hyrouter.routing.RoutingEngine;
import dev.hyrouter.routing.RoutingRequest;
import dev.hyrouter.routing.RoutingResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * A routing decision in a pool of 1,000 discovered-style backends: a compare filter
 * (players below capacity), a numeric sort on the player counter, a limit of 100, then the
 * strategy. This is the per-connection cost of a large Agones fleet.
 */
public class StrategyBenchmark extends SuiteDefaults {
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
