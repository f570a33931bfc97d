package dev.hyrouter.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginOrder;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.testing.SharedTimer;
import dev.hyrouter.testing.TestPlugin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PluginChainTest {
    @RegisterExtension
    static final SharedTimer TIMER = new SharedTimer();
    private static final ConnectEvent EVENT = new ConnectEvent("play.example.com", "", "h", 0, "u", "steve", "en-US", false);
    private static final Backend A = new Backend("a", 1);
    private static final Backend B = new Backend("b", 2);
    private static final Backend C = new Backend("c", 3);

    private static ChainResult run(List<Backend> candidates, int selected, Backend backend, Duration timeout, TestPlugin... plugins)
            throws Exception {
        List<PluginChain.Entry> entries = java.util.Arrays.stream(plugins).map(p -> new PluginChain.Entry(p, timeout)).toList();
        return new PluginChain(entries, TIMER.get()).run(EVENT, "round_robin", candidates, selected, backend).get(30, TimeUnit.SECONDS);
    }

    private static ChainResult run(TestPlugin... plugins) throws Exception {
        return run(List.of(A, B), 0, A, Duration.ofSeconds(1), plugins);
    }

    private static ChainResult runClosed(TestPlugin failing, TestPlugin after, Duration timeout) throws Exception {
        PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(failing, timeout, null, PluginConfig.FailureMode.CLOSED),
                new PluginChain.Entry(after, Duration.ofSeconds(1))), TIMER.get());
        ChainResult r = chain.run(EVENT, "round_robin", List.of(A, B), 0, A).get(30, TimeUnit.SECONDS);
        assertThat(chain.stats().get(0).failures(r.unavailable() == null ? FailureKind.ERROR : r.unavailable(), true))
                .as("counted as a failure that refused the connection").isEqualTo(1);
        return r;
    }

    /** A plugin in the process that warms up: its twin is a second instance of its class, counting apart. */
    private static class Twinned implements Plugin {
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean closed;
        final List<Twinned> twins = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "twinned";
        }

        @Override
        public java.util.concurrent.CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(ConnectResponse.EMPTY);
        }

        @Override
        public boolean warmsUp() {
            return true;
        }

        @Override
        public Plugin warmupTwin() {
            Twinned t = new Twinned();
            twins.add(t);
            return t;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void theWarmUpChainCallsTwinsOfTheSameClassAndClosesOnlyThem() throws Exception {
        Twinned plugin = new Twinned();
        TestPlugin remote = TestPlugin.answering("remote", r -> ConnectResponse.EMPTY);
        PluginChain players = new PluginChain(List.of(new PluginChain.Entry(plugin, Duration.ofSeconds(1)),
                new PluginChain.Entry(remote, Duration.ofSeconds(1))), TIMER.get());
        PluginChain warm = players.forWarmup();
        for (int i = 0; i < 3; i++) {
            warm.run(EVENT, "round_robin", List.of(A, B), 0, A).get(30, TimeUnit.SECONDS);
        }
        assertThat(plugin.twins).singleElement().satisfies(t -> assertThat(t.calls).hasValue(3)).hasSameClassAs(plugin);
        assertThat(plugin.calls).as("the players' instance saw no warm-up call").hasValue(0);
        assertThat(remote.requests()).as("a plugin that does not warm up is left out").isEmpty();
        assertThat(players.stats().get(0).calls()).as("the players' counters saw nothing").isZero();

        players.endWarmup();
        assertThat(plugin.twins.get(0).closed).as("endWarmup on the players' chain closes nothing").isFalse();
        warm.endWarmup();
        assertThat(plugin.twins.get(0).closed).isTrue();
        assertThat(plugin.closed).as("the players' plugin stays open").isFalse();
    }

    @Test
    void aPluginWhoseTwinCannotStartIsLeftOutOfTheWarmUpAndTheOthersStay() throws Exception {
        Twinned plugin = new Twinned();
        Plugin broken = new Twinned() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Plugin warmupTwin() {
                throw new IllegalStateException("its loopback server did not start");
            }
        };
        PluginChain players = new PluginChain(List.of(new PluginChain.Entry(broken, Duration.ofSeconds(1)),
                new PluginChain.Entry(plugin, Duration.ofSeconds(1))), TIMER.get());
        PluginChain warm = players.forWarmup();
        assertThat(warm.plugin("broken")).as("left out, not a failed start").isNull();
        warm.run(EVENT, "round_robin", List.of(A, B), 0, A).get(30, TimeUnit.SECONDS);
        assertThat(plugin.twins).singleElement().satisfies(t -> assertThat(t.calls).hasValue(1));
        warm.endWarmup();
    }

    @Test
    void failureModeClosedRefusesOnEveryKindOfFailure() throws Exception {
        TestPlugin after = TestPlugin.answering("after", r -> ConnectResponse.EMPTY);
        assertThat(runClosed(TestPlugin.failing("down"), after, Duration.ofSeconds(1)).unavailable()).isEqualTo(FailureKind.ERROR);
        assertThat(runClosed(TestPlugin.throwing("throws"), after, Duration.ofSeconds(1)).unavailable()).isEqualTo(FailureKind.ERROR);
        assertThat(runClosed(TestPlugin.hanging("hangs"), after, Duration.ofMillis(50)).unavailable()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(runClosed(TestPlugin.async("stopped", r -> CompletableFuture.failedFuture(new PluginTimeoutException("stopped"))),
                after, Duration.ofSeconds(1)).unavailable()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(runClosed(TestPlugin.async("breaker", r -> CompletableFuture.failedFuture(new PluginUnavailableException("circuit open"))),
                after, Duration.ofSeconds(1)).unavailable()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        ChainResult refused = runClosed(TestPlugin.async("full", r -> CompletableFuture.failedFuture(new PluginOverloadedException("queue full"))),
                after, Duration.ofSeconds(1));
        assertThat(refused.unavailable()).isEqualTo(FailureKind.REFUSED);
        assertThat(refused.failedClosed()).isTrue();
        assertThat(refused.denied()).isFalse();
        assertThat(after.requests()).as("nothing runs after a plugin that failed closed").isEmpty();
    }

    @Test
    void failureModeOpenSkipsAndCountsTheSkip() throws Exception {
        TestPlugin after = TestPlugin.answering("after", r -> ConnectResponse.EMPTY.withBackend(C));
        PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(TestPlugin.hanging("hangs"), Duration.ofMillis(50), null,
                PluginConfig.FailureMode.OPEN), new PluginChain.Entry(after, Duration.ofSeconds(1))), TIMER.get());
        ChainResult r = chain.run(EVENT, "round_robin", List.of(A, B), 0, A).get(30, TimeUnit.SECONDS);
        assertThat(r.failedClosed()).isFalse();
        assertThat(r.backend()).isEqualTo(C);
        assertThat(chain.stats().get(0).failures(FailureKind.TIMEOUT, false)).isEqualTo(1);
        assertThat(chain.stats().get(0).failures(FailureKind.TIMEOUT, true)).isZero();
    }

    @Test
    void denyStopsTheChain() throws Exception {
        TestPlugin later = TestPlugin.answering("later", r -> ConnectResponse.EMPTY);
        ChainResult r = run(TestPlugin.denyUsername("deny", "steve", "go away"), later);
        assertThat(r.denied()).isTrue();
        assertThat(r.denyReason()).isEqualTo("go away");
        assertThat(later.requests()).isEmpty();
    }

    @Test
    void candidatesReplaceAndSelectedIndexSelects() throws Exception {
        ChainResult r = run(TestPlugin.answering("p", q -> ConnectResponse.EMPTY.withCandidates(List.of(B, C)).withSelectedIndex(1)));
        assertThat(r.candidates()).containsExactly(B, C);
        assertThat(r.selectedIndex()).isEqualTo(1);
        assertThat(r.backend()).isEqualTo(C);
    }

    @Test
    void emptyCandidatesAndOutOfRangeIndexChangeNothing() throws Exception {
        ChainResult r = run(TestPlugin.answering("p", q -> ConnectResponse.EMPTY.withCandidates(List.of()).withSelectedIndex(5)));
        assertThat(r.candidates()).containsExactly(A, B);
        assertThat(r.backend()).isEqualTo(A);
        assertThat(r.selectedIndex()).isZero();
    }

    @Test
    void backendMovesTheIndexToAMatchingCandidate() throws Exception {
        ChainResult r = run(TestPlugin.answering("p", q -> ConnectResponse.EMPTY.withBackend(new Backend("b", 2, 9, null))));
        assertThat(r.backend().host()).isEqualTo("b");
        assertThat(r.backend().weight()).isEqualTo(9);
        assertThat(r.selectedIndex()).isEqualTo(1);
        ChainResult other = run(TestPlugin.answering("p", q -> ConnectResponse.EMPTY.withBackend(new Backend("z", 9))));
        assertThat(other.backend().host()).isEqualTo("z");
        assertThat(other.selectedIndex()).isZero();
    }

    @Test
    void emptyHostWithCandidatesSelectsTheFirst() throws Exception {
        ChainResult r = run(List.of(B, C), -1, null, Duration.ofSeconds(1),
                TestPlugin.answering("p", q -> ConnectResponse.EMPTY));
        assertThat(r.backend()).isEqualTo(B);
        assertThat(r.selectedIndex()).isZero();
    }

    @Test
    void referralContentPresentReplacesAndEachPluginSeesTheState() throws Exception {
        TestPlugin first = TestPlugin.answering("first", q -> ConnectResponse.EMPTY.withReferralContent(new byte[] {1}));
        TestPlugin second = TestPlugin.answering("second", q -> ConnectResponse.EMPTY);
        TestPlugin third = TestPlugin.answering("third", q -> ConnectResponse.EMPTY.withReferralContent(new byte[0]));
        ChainResult r = run(first, second, third);
        assertThat(second.requests().get(0).referralContent()).containsExactly(1);
        assertThat(second.requests().get(0).strategy()).isEqualTo("round_robin");
        assertThat(second.requests().get(0).event()).isEqualTo(EVENT);
        assertThat(r.referralContent()).isEmpty();
    }

    @Test
    void failingThrowingAndHangingPluginsAreSkippedAndCounted() throws Exception {
        TestPlugin failing = TestPlugin.failing("failing");
        TestPlugin throwing = TestPlugin.throwing("throwing");
        TestPlugin hanging = TestPlugin.hanging("hanging");
        TestPlugin last = TestPlugin.answering("last", q -> ConnectResponse.EMPTY.withBackend(C));
        List<PluginChain.Entry> entries = List.of(new PluginChain.Entry(failing, Duration.ofSeconds(1)),
                new PluginChain.Entry(throwing, Duration.ofSeconds(1)), new PluginChain.Entry(hanging, Duration.ofMillis(50)),
                new PluginChain.Entry(last, Duration.ofSeconds(1)));
        PluginChain chain = new PluginChain(entries, TIMER.get());
        ChainResult r = chain.run(EVENT, "random", List.of(A), 0, A).get(30, TimeUnit.SECONDS);
        assertThat(r.backend()).isEqualTo(C);
        assertThat(chain.stats()).extracting(PluginStats::errors).containsExactly(1L, 1L, 0L, 0L);
        assertThat(chain.stats()).extracting(PluginStats::timeouts).containsExactly(0L, 0L, 1L, 0L);
        assertThat(chain.stats()).extracting(PluginStats::calls).containsOnly(1L);
        chain.close();
        assertThat(last.closed()).isTrue();
    }

    @Test
    void aLateAnswerAfterTheTimeoutIsIgnored() throws Exception {
        // A stage that cannot be cancelled: the timeout abandons it, and its answer still arrives later.
        CompletableFuture<ConnectResponse> late = new CompletableFuture<>();
        TestPlugin slow = TestPlugin.async("slow", q -> late.minimalCompletionStage());
        TestPlugin next = TestPlugin.answering("next", q -> ConnectResponse.EMPTY);
        PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(slow, Duration.ofMillis(30)),
                new PluginChain.Entry(next, Duration.ofSeconds(30))), TIMER.get());
        ChainResult r = chain.run(EVENT, "round_robin", List.of(A), 0, A).get(30, TimeUnit.SECONDS);
        assertThat(r.denied()).isFalse();
        assertThat(r.backend()).isEqualTo(A);

        // The chain's callback on the abandoned stage runs inside complete(), on this thread: the
        // checks below see whatever it did.
        late.complete(ConnectResponse.denyWith("too late"));
        // The late deny was not applied, not counted, and did not run the rest of the chain again.
        PluginStats stats = chain.stats().get(0);
        assertThat(stats.timeouts()).isEqualTo(1);
        assertThat(stats.denies() + stats.errors()).isZero();
        assertThat(next.requests()).hasSize(1);
        assertThat(chain.stats().get(1).calls()).isEqualTo(1);
    }

    @Test
    void orderIsStageThenBeforeAfterWithConfigOrderTies() throws Exception {
        String yaml = "plugins:\n"
                + "  - {name: m1, type: wasm, stage: mutate, wasm: {path: x}}\n"
                + "  - {name: r1, type: wasm, wasm: {path: x}, after: [r2]}\n"
                + "  - {name: r2, type: wasm, stage: ROUTE, wasm: {path: x}}\n"
                + "  - {name: d1, type: grpc, stage: deny, grpc: {address: x}}\n"
                + "  - {name: r3, type: wasm, wasm: {path: x}, before: [r2], after: [d1]}\n";
        List<PluginConfig> ordered = PluginOrder.order(ConfigLoader.parse(yaml, "p.yaml", false).plugins());
        assertThat(ordered).extracting(PluginConfig::name).containsExactly("d1", "r3", "r2", "r1", "m1");
        assertThat(ConfigLoader.parse(yaml, "p.yaml", false).warnings()).singleElement().asString().contains("of another stage");
    }

    @Test
    void chainNeedsATimer() {
        assertThatThrownBy(() -> new PluginChain(List.of(new PluginChain.Entry(TestPlugin.hanging("x"), Duration.ofSeconds(1))), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
