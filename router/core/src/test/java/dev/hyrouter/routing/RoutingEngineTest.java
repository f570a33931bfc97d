package dev.hyrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RoutingCompiler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingEngineTest {
    private static final long NOW = 1_800_000_000_000L;

    static RoutingEngine engine(String yaml, DiscoveryResolver discovery, long seed) throws Exception {
        return RoutingCompiler.compile(ConfigLoader.parse(yaml, "t.yaml", false).routing(), discovery, RandomSource.seeded(seed), () -> NOW);
    }

    static RoutingEngine engine(String yaml) throws Exception {
        return engine(yaml, null, 7);
    }

    static RoutingResult decide(RoutingEngine e, String sni) {
        RoutingResult r = new RoutingResult();
        e.decide(RoutingRequest.of(sni, "11111111-2222-3333-4444-555555555555", "steve"), r);
        return r;
    }

    static String pool(String strategy, String extra, String... backends) {
        StringBuilder b = new StringBuilder("routing:\n  default:\n    strategy: " + strategy + "\n" + extra + "    backends:\n");
        for (String be : backends) {
            b.append("      - ").append(be).append('\n');
        }
        return b.toString();
    }

    @Test
    void roundRobinCyclesInOrder() throws Exception {
        RoutingEngine e = engine(pool("round_robin", "", "{host: a, port: 1}", "{host: b, port: 1}", "{host: c, port: 1}"));
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            seen.append(decide(e, "x").backend().host());
        }
        assertThat(seen.toString()).isEqualTo("abcabca");
    }

    @Test
    void weightedFollowsWeightsWithinTolerance() throws Exception {
        RoutingEngine e = engine(pool("weighted", "", "{host: a, port: 1, weight: 1}", "{host: b, port: 1, weight: 3}",
                "{host: c, port: 1, weight: 6}"));
        Map<String, Integer> counts = new HashMap<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            counts.merge(decide(e, "x").backend().host(), 1, Integer::sum);
        }
        assertThat(counts.get("a") / (double) n).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(counts.get("b") / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(counts.get("c") / (double) n).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void randomIsRoughlyUniform() throws Exception {
        RoutingEngine e = engine(pool("random", "", "{host: a, port: 1}", "{host: b, port: 1}"));
        int a = 0;
        for (int i = 0; i < 20_000; i++) {
            a += decide(e, "x").backend().host().equals("a") ? 1 : 0;
        }
        assertThat(a / 20_000.0).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void leastLoadedTakesTheSmallestNumericKeyAndFirstWhenNoneIsNumeric() throws Exception {
        RoutingEngine e = engine(pool("least_loaded", "    key: counter:players.count\n",
                "{host: a, port: 1, meta: {counter.players.count: \"12\"}}",
                "{host: b, port: 1, meta: {counter.players.count: \"3\"}}",
                "{host: c, port: 1, meta: {counter.players.count: \"x\"}}"));
        assertThat(decide(e, "x").backend().host()).isEqualTo("b");
        RoutingEngine none = engine(pool("least_loaded", "    key: load\n", "{host: a, port: 1}", "{host: b, port: 1}"));
        assertThat(decide(none, "x").backend().host()).isEqualTo("a");
    }

    @Test
    void p2cPicksTheSmallerOfItsSample() throws Exception {
        // With a sample of 2 out of 2, p2c must always take the less loaded one.
        RoutingEngine e = engine(pool("p2c", "    key: load\n", "{host: a, port: 1, meta: {load: \"9\"}}",
                "{host: b, port: 1, meta: {load: \"2\"}}"));
        for (int i = 0; i < 200; i++) {
            assertThat(decide(e, "x").backend().host()).isEqualTo("b");
        }
        // Out of 4 with a sample of 2, the most loaded can never win and the least loaded wins
        // whenever it is sampled (half of the time).
        RoutingEngine four = engine(pool("p2c", "    key: load\n", "{host: a, port: 1, meta: {load: \"1\"}}",
                "{host: b, port: 1, meta: {load: \"2\"}}", "{host: c, port: 1, meta: {load: \"3\"}}",
                "{host: d, port: 1, meta: {load: \"4\"}}"));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 60_000; i++) {
            counts.merge(decide(four, "x").backend().host(), 1, Integer::sum);
        }
        assertThat(counts).doesNotContainKey("d");
        assertThat(counts.get("a") / 60_000.0).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
        // Missing keys count as +infinity: a sampled backend with a value beats one without.
        RoutingEngine missing = engine(pool("p2c", "    key: load\n", "{host: a, port: 1}", "{host: b, port: 1, meta: {load: \"50\"}}"));
        assertThat(decide(missing, "x").backend().host()).isEqualTo("b");
    }

    @Test
    void filtersSortAndLimitThenStrategy() throws Exception {
        String extra = "    filters:\n      - {type: compare, left: counter:players.count, op: lt, right: counter:players.capacity}\n"
                + "    sort:\n      - {key: label:region, order: desc}\n    limit: 1\n";
        RoutingEngine e = engine(pool("round_robin", extra,
                "{host: full, port: 1, meta: {counter.players.count: \"10\", counter.players.capacity: \"10\", label.region: \"zz\"}}",
                "{host: eu, port: 1, meta: {counter.players.count: \"1\", counter.players.capacity: \"10\", label.region: \"eu\"}}",
                "{host: us, port: 1, meta: {counter.players.count: \"1\", counter.players.capacity: \"10\", label.region: \"us\"}}",
                "{host: nometa, port: 1}"));
        RoutingResult r = decide(e, "x");
        assertThat(r.candidates()).extracting(Backend::host).containsExactly("us");
        assertThat(r.backend().host()).isEqualTo("us");
        assertThat(r.strategy()).isEqualTo(Strategy.ROUND_ROBIN);
    }

    @Test
    void missingSortValuesGoLastInBothOrders() throws Exception {
        for (String order : new String[] {"asc", "desc"}) {
            RoutingEngine e = engine(pool("round_robin", "    sort: [{key: rank, type: number, order: " + order + "}]\n",
                    "{host: none, port: 1}", "{host: two, port: 1, meta: {rank: \"2\"}}", "{host: ten, port: 1, meta: {rank: \"10\"}}"));
            List<Backend> c = decide(e, "x").candidates();
            assertThat(c).extracting(Backend::host).containsExactly(order.equals("asc") ? new String[] {"two", "ten", "none"}
                    : new String[] {"ten", "two", "none"});
        }
    }

    @Test
    void fallbackOverridesOnlyWhatItSets() throws Exception {
        String extra = "    filters: [{type: compare, left: counter:p.count, op: lt, right: counter:p.capacity}]\n"
                + "    fallback:\n      - {strategy: least_loaded, key: counter:p.count, filters: []}\n";
        RoutingEngine e = engine(pool("round_robin", extra,
                "{host: a, port: 1, meta: {counter.p.count: \"10\", counter.p.capacity: \"10\"}}",
                "{host: b, port: 1, meta: {counter.p.count: \"12\", counter.p.capacity: \"10\"}}"));
        RoutingResult r = decide(e, "x");
        assertThat(r.ok()).isTrue();
        assertThat(r.backend().host()).isEqualTo("a");
        // The decision reports the pool's own strategy, as the original does.
        assertThat(r.strategy()).isEqualTo(Strategy.ROUND_ROBIN);
    }

    @Test
    void nothingLeftIsNoBackends() throws Exception {
        RoutingEngine e = engine(pool("round_robin", "    filters: [{type: game_start_not_past, key: start}]\n",
                "{host: a, port: 1, meta: {start: \"1000\"}}"));
        RoutingResult r = decide(e, "x");
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo(RoutingErrorKind.NO_BACKENDS);
        assertThat(r.errorMessage()).isEqualTo("no backends");
    }

    @Test
    void gameStartNotPastReadsSecondsOrMillis() {
        GameStartNotPastFilter f = new GameStartNotPastFilter("start");
        RoutingRequest q = RoutingRequest.ofSni("x");
        assertThat(f.passes(q, backendWith("start", ""), NOW)).isTrue();
        assertThat(f.passes(q, backendWith("start", "-1"), NOW)).isTrue();
        assertThat(f.passes(q, backendWith("start", "soon"), NOW)).isFalse();
        assertThat(f.passes(q, backendWith("start", Long.toString(NOW / 1000 + 60)), NOW)).isTrue();
        assertThat(f.passes(q, backendWith("start", Long.toString(NOW / 1000 - 60)), NOW)).isFalse();
        assertThat(f.passes(q, backendWith("start", Long.toString(NOW + 60_000)), NOW)).isTrue();
        assertThat(f.passes(q, backendWith("start", Long.toString(NOW - 60_000)), NOW)).isFalse();
    }

    @Test
    void whitelistByUuidOrUsername() {
        RoutingRequest q = RoutingRequest.of("x", "u-1", "steve");
        WhitelistFilter byUuid = new WhitelistFilter("wl.on", "wl.list", false);
        WhitelistFilter byName = new WhitelistFilter("wl.on", "wl.list", true);
        assertThat(byUuid.passes(q, backendWith("wl.on", "false"), 0)).isTrue();
        assertThat(byUuid.passes(q, new Backend("h", 1, 0, Map.of("wl.on", "yes", "wl.list", "[\"u-1\",\"u-2\"]")), 0)).isTrue();
        assertThat(byUuid.passes(q, new Backend("h", 1, 0, Map.of("wl.on", "1", "wl.list", "u-2, u-1")), 0)).isTrue();
        assertThat(byUuid.passes(q, new Backend("h", 1, 0, Map.of("wl.on", "TRUE", "wl.list", "u-2")), 0)).isFalse();
        assertThat(byUuid.passes(q, new Backend("h", 1, 0, Map.of("wl.on", "true", "wl.list", "[\"u-1\"")), 0)).isFalse();
        assertThat(byUuid.passes(q, new Backend("h", 1, 0, Map.of("wl.on", "true")), 0)).isFalse();
        assertThat(byName.passes(q, new Backend("h", 1, 0, Map.of("wl.on", "true", "wl.list", "[\"steve\"]")), 0)).isTrue();
        assertThat(byName.passes(RoutingRequest.ofSni("x"), new Backend("h", 1, 0, Map.of("wl.on", "true", "wl.list", "steve")), 0)).isFalse();
    }

    @Test
    void compareNeedsBothNumbers() {
        CompareFilter f = new CompareFilter(BackendKey.parse("counter:a"), CompareFilter.Op.LTE, BackendKey.parse("port"));
        RoutingRequest q = RoutingRequest.ofSni("x");
        assertThat(f.passes(q, new Backend("h", 10, 0, Map.of("counter.a", "10")), 0)).isTrue();
        assertThat(f.passes(q, new Backend("h", 10, 0, Map.of("counter.a", "10.5")), 0)).isFalse();
        assertThat(f.passes(q, new Backend("h", 10, 0, Map.of("counter.a", " 1")), 0)).isFalse();
        assertThat(f.passes(q, new Backend("h", 10, 0, Map.of()), 0)).isFalse();
    }

    private static Backend backendWith(String k, String v) {
        return new Backend("h", 1, 0, Map.of(k, v));
    }

    @Test
    void noRouteWithoutDefaultPool() throws Exception {
        RoutingEngine e = engine("routing:\n  routes:\n    - match: {hostname: a.example.com}\n"
                + "      pool: {strategy: random, backends: [{host: a, port: 1}]}\n");
        RoutingResult r = decide(e, "b.example.com");
        assertThat(r.error()).isEqualTo(RoutingErrorKind.NO_ROUTE);
        assertThat(r.routeIndex()).isEqualTo(-1);
        assertThat(decide(e, "A.Example.com.").backend().host()).isEqualTo("a");
        assertThat(decide(e, "A.Example.com.").routeIndex()).isZero();
        assertThat(decide(e, "A.Example.com.").matched()).isTrue();
    }

    @Test
    void discoveryPreferUnionAndErrors() throws Exception {
        String yaml = "discovery:\n  providers: [{name: k8s, type: kubernetes, kubernetes: {}}]\n"
                + "routing:\n  routes:\n"
                + "    - match: {hostname: prefer}\n      pool: {strategy: round_robin, discovery: {provider: k8s, mode: prefer}, backends: [{host: static, port: 1}]}\n"
                + "    - match: {hostname: union}\n      pool: {strategy: weighted, discovery: {provider: k8s}, backends: [{host: static, port: 1, weight: 2}]}\n";
        List<Backend> discovered = List.of(new Backend("d1", 1), new Backend("static", 1), new Backend("d1", 1));
        RoutingEngine e = engine(yaml, p -> discovered, 1);
        assertThat(decide(e, "prefer").candidates()).extracting(Backend::host).containsExactly("d1", "static");
        RoutingResult union = decide(e, "union");
        assertThat(union.candidates()).extracting(Backend::host).containsExactly("d1", "static");
        // Discovered weights of 0 count as 1 for weighted; the static duplicate loses to the discovered one.
        assertThat(union.candidates()).extracting(Backend::weight).containsExactly(1, 1);

        RoutingEngine empty = engine(yaml, p -> List.of(), 1);
        assertThat(decide(empty, "prefer").backend().host()).isEqualTo("static");

        RoutingEngine failing = engine(yaml, p -> {
            throw new DiscoveryException("kubernetes API unreachable");
        }, 1);
        RoutingResult r = decide(failing, "prefer");
        assertThat(r.error()).isEqualTo(RoutingErrorKind.DISCOVERY);
        assertThat(r.errorMessage()).isEqualTo("discovery error: kubernetes API unreachable");

        RoutingResult unset = decide(engine(yaml, null, 1), "prefer");
        assertThat(unset.error()).isEqualTo(RoutingErrorKind.DISCOVERY);
    }

    @Test
    void staticPoolWithoutFiltersSharesItsListWithoutCopying() throws Exception {
        RoutingEngine e = engine(pool("round_robin", "", "{host: a, port: 1}", "{host: b, port: 1}"));
        assertThat(decide(e, "x").candidates()).isSameAs(decide(e, "y").candidates());
    }

    @Test
    void aDiscoveredPoolMergesEachSnapshotOnceAndAgainWhenItChanges() throws Exception {
        String yaml = "discovery:\n  providers: [{name: k8s, type: kubernetes, kubernetes: {}}]\n"
                + "routing:\n  default: {strategy: round_robin, discovery: {provider: k8s}, backends: [{host: static, port: 1}]}\n";
        List<Backend> first = List.of(new Backend("d1", 1));
        List<Backend> second = List.of(new Backend("d2", 1));
        List<Backend>[] current = new List[] {first};
        RoutingEngine e = engine(yaml, p -> current[0], 1);
        List<Backend> merged = decide(e, "x").candidates();
        assertThat(merged).extracting(Backend::host).containsExactly("d1", "static");
        // Same snapshot object: the merged list is reused, nothing is merged (or allocated) per connection.
        assertThat(decide(e, "y").candidates()).isSameAs(merged);
        current[0] = second;
        assertThat(decide(e, "z").candidates()).extracting(Backend::host).containsExactly("d2", "static");
    }

    @Test
    void anAllocatingProviderLeavesTheDecisionPendingUntilItsBackendsArrive() throws Exception {
        String yaml = "discovery:\n  providers: [{name: gsa, type: agones, agones: {mode: allocate}}]\n"
                + "routing:\n  default: {strategy: round_robin, discovery: {provider: gsa, mode: prefer}, backends: [{host: static, port: 1}]}\n";
        DiscoveryResolver allocating = new DiscoveryResolver() {
            @Override
            public List<Backend> resolve(String provider) throws DiscoveryException {
                throw new DiscoveryException("an allocating provider has no snapshot");
            }

            @Override
            public boolean allocates(String provider) {
                return true;
            }
        };
        RoutingEngine e = engine(yaml, allocating, 1);
        RoutingResult pending = decide(e, "x");
        assertThat(pending.pending()).isTrue();
        assertThat(pending.ok()).isFalse();
        assertThat(pending.pendingProvider()).isEqualTo("gsa");

        RoutingResult done = new RoutingResult();
        e.completeAllocation(RoutingRequest.ofSni("x"), pending, List.of(new Backend("allocated", 7777)), null, done);
        assertThat(done.ok()).isTrue();
        assertThat(done.backend().host()).isEqualTo("allocated");

        RoutingResult failed = new RoutingResult();
        e.completeAllocation(RoutingRequest.ofSni("x"), pending, null, new DiscoveryException("allocation timed out"), failed);
        assertThat(failed.error()).isEqualTo(RoutingErrorKind.DISCOVERY);
        assertThat(failed.errorMessage()).isEqualTo("discovery error: allocation timed out");

        // Prefer mode: an allocation that returned nothing falls back to the static backends, as a snapshot would.
        RoutingResult empty = new RoutingResult();
        e.completeAllocation(RoutingRequest.ofSni("x"), pending, List.of(), null, empty);
        assertThat(empty.backend().host()).isEqualTo("static");
    }

    static RoutingEngine engine(String yaml, BackendHealth health) throws Exception {
        return RoutingCompiler.compile(ConfigLoader.parse(yaml, "t.yaml", false).routing(), null, RandomSource.seeded(7), () -> NOW, health);
    }

    private static final String CHECKED = "    health_checks: {enabled: true}\n";

    @Test
    void unhealthyBackendsLeaveTheCandidatesAndTheRestCarryAHealthKey() throws Exception {
        BackendHealth health = new BackendHealth();
        RoutingEngine e = engine(pool("round_robin", CHECKED, "{host: a, port: 1}", "{host: b, port: 1, meta: {zone: x}}",
                "{host: c, port: 1}"), health);
        health.set("a:1", BackendHealth.State.UNHEALTHY);
        health.set("b:1", BackendHealth.State.HEALTHY);
        RoutingResult r = decide(e, "any");
        assertThat(r.candidates()).extracting(Backend::host).containsExactly("b", "c");
        assertThat(r.candidates().get(0).meta()).containsEntry("health", "healthy").containsEntry("zone", "x");
        assertThat(r.candidates().get(1).meta()).containsEntry("health", "unknown");
        for (int i = 0; i < 6; i++) {
            assertThat(decide(e, "any").backend().host()).isNotEqualTo("a");
        }
        health.set("a:1", BackendHealth.State.HEALTHY);
        assertThat(decide(e, "any").candidates()).extracting(Backend::host).containsExactly("a", "b", "c");
    }

    @Test
    void aPoolWithNoHealthyBackendPanicsOrAnswersNoBackends() throws Exception {
        BackendHealth health = new BackendHealth();
        RoutingEngine panic = engine(pool("random", CHECKED, "{host: a, port: 1}", "{host: b, port: 1}"), health);
        RoutingEngine refuse = engine(pool("random", "    health_checks: {enabled: true, when_all_unhealthy: no_backends}\n",
                "{host: a, port: 1}", "{host: b, port: 1}"), health);
        health.set("a:1", BackendHealth.State.UNHEALTHY);
        health.set("b:1", BackendHealth.State.UNHEALTHY);
        RoutingResult p = decide(panic, "any");
        assertThat(p.ok()).isTrue();
        assertThat(p.candidates()).extracting(b -> b.meta().get("health")).containsOnly("unhealthy");
        RoutingResult n = decide(refuse, "any");
        assertThat(n.error()).isEqualTo(RoutingErrorKind.NO_BACKENDS);
        assertThat(n.errorMessage()).isEqualTo("no healthy backends");
    }

    @Test
    void aDrainAppliesToEveryPoolEvenWithoutChecksAndPanicNeverUsesIt() throws Exception {
        BackendHealth health = new BackendHealth();
        RoutingEngine unchecked = engine(pool("round_robin", "", "{host: a, port: 1}", "{host: b, port: 1}"), health);
        RoutingEngine checked = engine(pool("round_robin", CHECKED, "{host: a, port: 1}", "{host: b, port: 1}"), health);
        health.drain("a:1", true);
        assertThat(decide(unchecked, "any").candidates()).extracting(Backend::host).containsExactly("b");
        assertThat(decide(unchecked, "any").candidates().get(0).meta()).as("no health key where nothing is checked").isNull();
        health.set("b:1", BackendHealth.State.UNHEALTHY);
        RoutingResult r = decide(checked, "any");
        assertThat(r.candidates()).extracting(Backend::host).as("panic among the not drained").containsExactly("b");
        health.drain("b:1", true);
        assertThat(decide(checked, "any").errorMessage()).isEqualTo("no backends (every one is drained)");
        health.drain("a:1", false);
        health.drain("b:1", false);
        assertThat(decide(unchecked, "any").candidates()).hasSize(2);
    }

    @Test
    void healthIsIgnoredWherePoolsDoNotCheck() throws Exception {
        BackendHealth health = new BackendHealth();
        RoutingEngine e = engine(pool("round_robin", "", "{host: a, port: 1}", "{host: b, port: 1}"), health);
        health.set("a:1", BackendHealth.State.UNHEALTHY);
        assertThat(decide(e, "any").candidates()).extracting(Backend::host).containsExactly("a", "b");
    }

    @Test
    void targetsBracketIpv6Literals() {
        assertThat(BackendHealth.target("::1", 5520)).isEqualTo("[::1]:5520");
        assertThat(BackendHealth.target("10.0.0.1", 5520)).isEqualTo("10.0.0.1:5520");
    }
}
