package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.plugin.ChainResult;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.PluginChain;
import dev.hyrouter.plugin.PluginOverloadedException;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.SharedTimer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WasmPluginTest {
    @RegisterExtension
    static final SharedTimer TIMER = new SharedTimer();

    static ConnectRequest request(String username) {
        return new ConnectRequest(new ConnectEvent("play.example.com", "", "h", 0, "11111111-2222-3333-4444-555555555555", username,
                "en-US", true), "round_robin", List.of(new Backend("a.internal", 5520)), 0, new Backend("a.internal", 5520), null);
    }

    private static ConnectResponse call(WasmPlugin p, String username) throws Exception {
        return p.onConnect(request(username)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void watPluginDeniesOrSetsContentCompiledAndInterpreted() throws Exception {
        for (boolean compile : new boolean[] {true, false}) {
            WasmPlugin p = WasmPlugin.load(Modules.config("wat", Modules.settings("wat-plugin").withPoolSize(2).withCompile(compile)));
            try {
                assertThat(call(p, "deny")).isEqualTo(ConnectResponse.denyWith("denied by wasm plugin"));
                ConnectResponse ok = call(p, "alex");
                assertThat(ok.deny()).isFalse();
                assertThat(new String(ok.referralContent())).isEqualTo("wasm-plugin");
            } finally {
                p.close();
            }
        }
    }

    @Test
    void cPluginUsesWasiAndOverridesTheBackend() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("c", Modules.settings("c-plugin")));
        try {
            assertThat(call(p, "deny").denyReason()).isEqualTo("denied by wasm plugin");
            for (int i = 0; i < 50; i++) {
                ConnectResponse ok = call(p, "alex");
                assertThat(ok.backend()).isEqualTo(new Backend("play.hyvane.com", 5520));
                assertThat(new String(ok.referralContent())).isEqualTo("wasm-plugin");
            }
            assertThat(p.stats().recycledAfterFailure()).isZero();
        } finally {
            p.close();
        }
    }

    @Test
    void reactorInitializeRunsOncePerInstance() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("r", Modules.settings("echo-reactor").withPoolSize(1).withMaxCallsPerInstance(3)));
        try {
            for (int i = 0; i < 10; i++) {
                assertThat(call(p, "x")).isEqualTo(ConnectResponse.EMPTY);
            }
            // Recycled every 3 calls: 4 instances, each initialized exactly once (a second
            // _initialize or a call before it would trap).
            assertThat(p.stats().instancesCreated()).isEqualTo(4);
            assertThat(p.stats().recycledForCalls()).isEqualTo(3);
            assertThat(p.stats().recycledAfterFailure()).isZero();
        } finally {
            p.close();
        }
    }

    @Test
    void modulesThatBreakTheAbiAreRefusedAtStartUp() {
        assertThatThrownBy(() -> WasmPlugin.load(Modules.config("x", Modules.settings("no-on-connect"))))
                .hasMessageContaining("must export a function named \"on_connect\"");
        assertThatThrownBy(() -> WasmPlugin.load(Modules.config("x", Modules.settings("wrong-signature"))))
                .hasMessageContaining("export \"on_connect\" has type");
        assertThatThrownBy(() -> WasmPlugin.load(Modules.config("x", dev.hyrouter.config.PluginConfig.WasmSettings.of("missing.wasm"))))
                .hasMessageContaining("missing.wasm does not exist");
        assertThatThrownBy(() -> WasmPlugin.load(Modules.config("x",
                dev.hyrouter.config.PluginConfig.WasmSettings.of(Modules.path("wat-plugin").getParent().toString()))))
                .isInstanceOf(WasmPluginException.class);
    }

    @Test
    void brokenModulesFailEveryCallWithAPluginError() throws Exception {
        for (String module : new String[] {"trap", "oob", "garbage", "oversized"}) {
            WasmPlugin p = WasmPlugin.load(Modules.config(module, Modules.settings(module)));
            try {
                for (int i = 0; i < 2; i++) {
                    assertThatThrownBy(() -> call(p, "alex")).as(module).isInstanceOf(ExecutionException.class)
                            .cause().isInstanceOf(WasmPluginException.class);
                }
            } finally {
                p.close();
            }
            if (module.equals("trap")) {
                assertThat(p.stats().recycledAfterFailure()).isEqualTo(2);
            }
        }
    }

    @Test
    void aTrapCostsItsInstanceAndTheNextCallIsAnsweredByAFreshOne() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("flaky", Modules.settings("trap-on-long").withPoolSize(1).withMaxCallsPerInstance(0)));
        try {
            assertThatThrownBy(() -> call(p, "x".repeat(400))).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WasmPluginException.class);
            assertThat(call(p, "alex")).isEqualTo(ConnectResponse.EMPTY);
            assertThat(call(p, "steve")).isEqualTo(ConnectResponse.EMPTY);
            assertThat(p.stats().recycledAfterFailure()).isEqualTo(1);
            assertThat(p.stats().instancesCreated()).isEqualTo(2);
        } finally {
            p.close();
        }
    }

    @Test
    void anInlineInfiniteLoopIsInterruptedAtItsDeadlineCountedAsATimeoutAndTheInstanceReplaced() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("loop", Modules.settings("loop").withPoolSize(1).withMaxCallsPerInstance(0),
                Duration.ofMillis(200)));
        try {
            assertThat(p.inline()).isTrue();
            PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(p, Duration.ofMillis(200))), TIMER.get());
            for (int i = 0; i < 3; i++) {
                // Inline: the call runs on this thread and the chain has its answer when run returns.
                CompletableFuture<ChainResult> run = chain.run(request("alex").event(), "round_robin", List.of(), 0,
                        new Backend("a.internal", 5520));
                assertThat(run).isDone();
                assertThat(run.get().backend().host()).isEqualTo("a.internal");
                assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt never outlives the call").isFalse();
            }
            assertThat(chain.stats().get(0).timeouts()).isEqualTo(3);
            assertThat(chain.stats().get(0).errors()).isZero();
            assertThat(p.stats().interrupted()).isEqualTo(3);
            assertThat(p.stats().recycledAfterFailure()).isEqualTo(3);
            assertThat(p.stats().maxOvershootNanos()).isPositive();
        } finally {
            p.close();
        }
    }

    @Test
    void inlineCallsUseOneInstancePerCallingThread() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("wat", Modules.settings("wat-plugin").withPoolSize(2)));
        try {
            assertThat(p.stats().instancesCreated()).isEqualTo(2);
            assertThat(p.onConnect(request("alex")).toCompletableFuture()).isDone();
            CompletableFuture<ConnectResponse> other = CompletableFuture.supplyAsync(() -> p.onConnect(request("alex")).toCompletableFuture().join());
            assertThat(new String(other.get(10, TimeUnit.SECONDS).referralContent())).isEqualTo("wasm-plugin");
            assertThat(p.stats().instancesCreated()).as("two threads, the two instances made at start").isEqualTo(2);
            java.util.concurrent.ExecutorService third = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                CompletableFuture.runAsync(() -> p.onConnect(request("alex")).toCompletableFuture().join(), third).get(10, TimeUnit.SECONDS);
            } finally {
                third.shutdownNow();
            }
            assertThat(p.stats().instancesCreated()).as("a third thread makes its own").isEqualTo(3);
        } finally {
            p.close();
        }
    }

    @Test
    void aWorkerInfiniteLoopIsInterruptedAtItsBudgetAndTheInstanceReplaced() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("loop", Modules.settings("loop").withPoolSize(1).withMaxCallsPerInstance(0).withWorker(true)));
        try {
            assertThat(p.inline()).isFalse();
            PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(p, Duration.ofMillis(200))), TIMER.get());
            for (int i = 0; i < 3; i++) {
                ChainResult r = chain.run(request("alex").event(), "round_robin", List.of(), 0, new Backend("a.internal", 5520))
                        .get(10, TimeUnit.SECONDS);
                assertThat(r.backend().host()).isEqualTo("a.internal");
            }
            assertThat(chain.stats().get(0).timeouts()).isEqualTo(3);
            Await.until("every interrupted instance replaced", () -> p.stats().recycledAfterFailure() >= p.stats().interrupted());
            // Every call that was running when abandoned was interrupted and cost its instance (a
            // call abandoned while still queued never runs at all).
            assertThat(p.stats().interrupted()).isBetween(1L, 3L);
            assertThat(p.stats().recycledAfterFailure()).isEqualTo(p.stats().interrupted());
        } finally {
            p.close();
        }
    }

    @Test
    void memoryGrowthRecyclesTheInstance() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("leak", Modules.settings("leak").withPoolSize(1).withMaxMemoryBytes(1L << 20).withMaxCallsPerInstance(0)));
        try {
            for (int i = 0; i < 40; i++) {
                assertThat(call(p, "alex")).isEqualTo(ConnectResponse.EMPTY);
            }
            // One page per call and a 16-page recycle threshold: recycled every 15 calls, never failing.
            assertThat(p.stats().recycledForMemory()).isEqualTo(2);
            assertThat(p.stats().recycledAfterFailure()).isZero();
        } finally {
            p.close();
        }
    }

    @Test
    void warmUpCallsRunOnATwinOfTheSameClassWithInstancesOfItsOwn() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("leak", Modules.settings("leak").withPoolSize(1).withMaxMemoryBytes(1L << 20).withMaxCallsPerInstance(0)));
        try {
            assertThat(p.warmsUp()).isTrue();
            WasmPlugin twin = (WasmPlugin) p.warmupTwin();
            assertThat(twin).isNotSameAs(p).hasSameClassAs(p);
            for (int i = 0; i < 40; i++) {
                assertThat(call(twin, "warm")).isEqualTo(ConnectResponse.EMPTY);
            }
            // The twin's instance grew and was recycled on its own: the players' instance and counters saw nothing.
            assertThat(twin.stats().recycledForMemory()).isEqualTo(2);
            assertThat(p.stats().recycledForMemory()).isZero();
            assertThat(p.stats().instancesCreated()).isEqualTo(1);
            for (int i = 0; i < 14; i++) {
                assertThat(call(p, "alex")).isEqualTo(ConnectResponse.EMPTY);
            }
            assertThat(p.stats().recycledForMemory()).as("the players' instance starts from its own first page").isZero();

            twin.close();
            assertThat(twin.onConnect(request("late")).toCompletableFuture()).isCompletedExceptionally();
            assertThat(call(p, "alex")).as("closing the twin leaves the plugin serving").isEqualTo(ConnectResponse.EMPTY);
        } finally {
            p.close();
        }
    }

    @Test
    void aFullQueueShedsInsteadOfQueueingWithoutBound() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("loop", Modules.settings("loop").withPoolSize(1).withMaxCallsPerInstance(0).withQueueSize(2)
                .withWorker(true)));
        try {
            List<CompletableFuture<ConnectResponse>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(p.onConnect(request("x")).toCompletableFuture());
            }
            // One worker stuck in the endless loop and 2 places in its queue: however the worker's
            // first poll interleaves with the six submissions, at least 3 are refused at once
            // (the ones that complete before any work is done), each with the overload error.
            List<CompletableFuture<ConnectResponse>> shed = calls.stream().filter(CompletableFuture::isCompletedExceptionally).toList();
            assertThat(p.stats().shed()).isGreaterThanOrEqualTo(3).isEqualTo(shed.size());
            for (CompletableFuture<ConnectResponse> f : shed) {
                assertThatThrownBy(f::join).hasCauseInstanceOf(PluginOverloadedException.class);
            }
            calls.forEach(c -> c.cancel(false));
        } finally {
            p.close();
        }
    }
}
