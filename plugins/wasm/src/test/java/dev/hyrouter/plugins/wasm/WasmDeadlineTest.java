package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.util.DeadlineThread;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Compiled plugin code stops itself at its deadline, on the thread that runs it ({@link WasmDeadline},
 * wired in by {@link CompiledDeadlines}); the watchdog is only the backstop. The calls here run on a
 * runner directly, with no watchdog slot, so nothing but the call's own check can end them (the
 * preemptive timeout only keeps a broken build from hanging the suite).
 */
class WasmDeadlineTest {
    private static final Duration HANG_GUARD = Duration.ofMinutes(1);

    private static WasmInstanceRunner runner(String module, boolean compile) throws WasmPluginException {
        var s = Modules.settings(module).withPoolSize(1).withMaxCallsPerInstance(0);
        return new WasmInstanceRunner(module, WasmModuleLoader.load(Modules.path(module), compile), s, new WasmStats());
    }

    @Test
    void anEndlessCompiledCallStopsItselfAtItsDeadlineWithoutTheWatchdog() {
        assertTimeoutPreemptively(HANG_GUARD, WasmDeadlineTest::endlessCallsStopThemselves);
    }

    @Test
    void onAnEventLoopThreadTheDeadlineLivesInTheThread() throws Exception {
        // The router's loops are DeadlineThreads: the check reads the thread's fields, no thread local.
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = DeadlineThread.factory("hyrouter-quic").newThread(() -> {
            try {
                endlessCallsStopThemselves();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        done.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
    }

    private static void endlessCallsStopThemselves() throws Exception {
        WasmInstanceRunner r = runner("loop", true);
        WasmDeadline d = WasmDeadline.ofCurrentThread();
        assertThat(d.carriedByThread()).isEqualTo(Thread.currentThread() instanceof DeadlineThread);
        try {
            for (int i = 0; i < 3; i++) {
                d.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
                assertThatThrownBy(() -> r.call(WasmPluginTest.request("alex"))).isInstanceOf(WasmPluginException.class)
                        .hasMessageContaining("interrupted");
                assertThat(d.disarm()).as("stopped by its own deadline check").isTrue();
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            }
        } finally {
            r.close();
        }
    }

    @Test
    void aCallWithinItsDeadlineIsUntouchedAndAnUnarmedThreadIsNeverStopped() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            WasmInstanceRunner r = runner("c-plugin", true);
            WasmDeadline d = WasmDeadline.ofCurrentThread();
            try {
                d.arm(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
                ConnectResponse armed = r.call(WasmPluginTest.request("alex"));
                assertThat(d.disarm()).isFalse();
                // A deadline long past, but disarmed: a call made outside a plugin slot is not bounded by it.
                d.arm(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
                d.disarm();
                assertThat(r.call(WasmPluginTest.request("alex"))).usingRecursiveComparison().isEqualTo(armed);
                assertThat(d.disarm()).isFalse();
            } finally {
                r.close();
            }
        });
    }

    @Test
    void interpretedCodeIsLeftToTheWatchdog() throws Exception {
        WasmPlugin p = WasmPlugin.load(Modules.config("loop", Modules.settings("loop").withPoolSize(1).withMaxCallsPerInstance(0)
                .withCompile(false), Duration.ofMillis(100)));
        try {
            assertThat(p.onConnect(WasmPluginTest.request("alex")).toCompletableFuture()).isCompletedExceptionally();
            assertThat(p.stats().interrupted()).isEqualTo(1);
            assertThat(p.stats().watchdogInterrupts()).as("the interpreter does not make the router's check").isEqualTo(1);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            p.close();
        }
    }
}
