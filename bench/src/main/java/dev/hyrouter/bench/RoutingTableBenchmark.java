package dev.hyrouter.bench;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RoutingCompiler;
import dev.hyrouter.config.RoutingConfig;
import dev.hyrouter.routing.HostMatcher;
import dev.hyrouter.routing.RoutingEngine;
import dev.hyrouter.routing.RoutingRequest;
import dev.hyrouter.routing.RoutingResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Routing decision cost against the size of the route table: a one-route table versus 10,000
 * exact hostnames plus 100 wildcard routes (the compiled matcher's claim: within 2x). The
 * wildcards come first in the big table, so every lookup must respect first-match order across
 * both indexes. Each lookup kind is compared with the one-route table of its own kind:
 * {@code one-exact-route} for exact hits and misses, {@code one-wildcard-route} for wildcard hits.
 */
public class RoutingTableBenchmark extends SuiteDefaults {
    @Param({"one-exact-route", "one-wildcard-route", "10000-exact-100-wildcard"})
    public String table;

    private RoutingEngine engine;
    private HostMatcher matcher;
    private final RoutingResult result = new RoutingResult();
    private RoutingRequest exactHit;
    private RoutingRequest wildcardHit;
    private RoutingRequest miss;

    @Setup
    public void setup() throws Exception {
        int exactRoutes = table.equals("one-exact-route") ? 1 : table.equals("one-wildcard-route") ? 0 : 10_000;
        int wildcards = table.equals("one-exact-route") ? 0 : table.equals("one-wildcard-route") ? 1 : 100;
        StringBuilder y = new StringBuilder("routing:\n  routes:\n");
        for (int i = 0; i < wildcards; i++) {
            y.append("    - match: {hostname: \"*.tenant").append(i).append(".example.net\"}\n")
                    .append("      pool: {strategy: round_robin, backends: [{host: w").append(i).append(".internal, port: 5520}]}\n");
        }
        for (int i = 0; i < exactRoutes; i++) {
            y.append("    - match: {hostname: \"server").append(i).append(".example.com\"}\n")
                    .append("      pool: {strategy: round_robin, backends: [{host: b").append(i).append(".internal, port: 5520}]}\n");
        }
        y.append("  default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}\n");
        RoutingConfig rc = ConfigLoader.parse(y.toString(), "bench.yaml", false).routing();
        engine = RoutingCompiler.compile(rc, null);
        matcher = new HostMatcher(rc.routes().stream().map(r -> r.hostnames()).toList());
        exactHit = RoutingRequest.ofSni("server" + Math.max(0, exactRoutes - 1) + ".example.com");
        wildcardHit = RoutingRequest.ofSni("eu.play.tenant" + (wildcards / 2) + ".example.net");
        miss = RoutingRequest.ofSni("unknown.example.org");
    }

    @Benchmark
    public Object routeExactHostname() {
        engine.decide(exactHit, result);
        return result.backend();
    }

    @Benchmark
    public Object routeWildcardHostname() {
        engine.decide(wildcardHit, result);
        return result.backend();
    }

    @Benchmark
    public Object routeMissToDefaultPool() {
        engine.decide(miss, result);
        return result.backend();
    }

    /** The hostname index alone (no pool work), to separate matching from selection. */
    @Benchmark
    public int matchExactHostnameOnly() {
        return matcher.match(exactHit.sni());
    }
}
