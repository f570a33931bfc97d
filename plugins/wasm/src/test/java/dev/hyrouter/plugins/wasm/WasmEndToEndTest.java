package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.SessionResult;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.envelope.EnvelopeVerifier;
import dev.hyrouter.envelope.HmacSecret;
import dev.hyrouter.plugin.PluginStats;
import dev.hyrouter.server.TestRouter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Real QUIC, real WASM modules compiled from the committed sources. */
class WasmEndToEndTest {
    private static final String ROUTES = "quic: {event_loops: 2}\n"
            + "referral: {key_id: 1, hmac_secret: \"s3cret\"}\n"
            + "routing:\n  default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}\n";

    private static String plugin(String name, String module, String extra) {
        return "  - name: " + name + "\n    type: wasm\n    timeout: 300ms\n    wasm:\n      path: \"" + Modules.path(module) + "\"\n" + extra;
    }

    private static String content(ServerAnswer a) throws Exception {
        return new String(EnvelopeVerifier.withSecret(HmacSecret.parse("s3cret")).verify(a.data()).content());
    }

    @Test
    void watPluginDeniesAndFillsTheEnvelope() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("wat", "wat-plugin", ""))) {
            ServerAnswer denied = r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("deny"))).answer();
            assertThat(denied.reason()).isEqualTo("denied by wasm plugin");
            ServerAnswer ok = r.run("play.example.com").answer();
            assertThat(ok.host()).isEqualTo("lobby.internal");
            assertThat(content(ok)).isEqualTo("wasm-plugin");
        }
    }

    @Test
    void cPluginOverridesTheBackend() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n" + plugin("c", "c-plugin", ""))) {
            assertThat(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("deny"))).answer().reason())
                    .isEqualTo("denied by wasm plugin");
            ServerAnswer ok = r.run("play.example.com").answer();
            assertThat(ok.host()).isEqualTo("play.hyvane.com");
            assertThat(ok.port()).isEqualTo(5520);
            assertThat(content(ok)).isEqualTo("wasm-plugin");
        }
    }

    @Test
    void brokenPluginsAreSkippedAndTheConnectionStillAnswered() throws Exception {
        StringBuilder yaml = new StringBuilder(ROUTES + "plugins:\n");
        for (String m : new String[] {"trap", "loop", "oob", "garbage", "oversized"}) {
            yaml.append(plugin(m, m, "      pool_size: 1\n"));
        }
        // The last plugin still runs after five broken ones and its content arrives.
        yaml.append(plugin("wat", "wat-plugin", ""));
        try (TestRouter r = TestRouter.startWithRuntimes(yaml.toString())) {
            for (int i = 0; i < 2; i++) {
                ServerAnswer a = r.run("play.example.com").answer();
                assertThat(a.host()).isEqualTo("lobby.internal");
                assertThat(content(a)).isEqualTo("wasm-plugin");
            }
            List<PluginStats> stats = r.server.core().plugins().stats();
            assertThat(stats).extracting(PluginStats::name).containsExactly("trap", "loop", "oob", "garbage", "oversized", "wat");
            assertThat(stats.get(0).errors()).isEqualTo(2);
            assertThat(stats.get(1).timeouts()).isEqualTo(2);
            assertThat(stats.get(2).errors()).isEqualTo(2);
            assertThat(stats.get(3).errors()).isEqualTo(2);
            assertThat(stats.get(4).errors()).isEqualTo(2);
            assertThat(stats.get(5).errors() + stats.get(5).timeouts()).isZero();
        }
    }

    @Test
    void memoryGrowthIsRecycledBetweenSessions() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + "plugins:\n"
                + plugin("leak", "leak", "      pool_size: 1\n      max_memory_bytes: 1048576\n"))) {
            for (int i = 0; i < 40; i++) {
                assertThat(r.run("play.example.com").answer().isReferral()).isTrue();
            }
            WasmPlugin leak = (WasmPlugin) r.server.core().plugins().plugin("leak");
            assertThat(leak.stats().recycledForMemory()).isEqualTo(2);
            assertThat(r.server.core().plugins().stats().get(0).errors()).isZero();
        }
    }

    /** The Go original's WASM path crashes under this load; here: no errors, no failures, a flat heap. */
    @Test
    void twentyThousandSessionsAtSixtyFourConcurrentThroughTheCPlugin() throws Exception {
        try (TestRouter r = TestRouter.startWithRuntimes("quic: {event_loops: 2, close_after_answer: 2s}\n"
                + "routing:\n  default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}\n"
                + "plugins:\n" + plugin("c", "c-plugin", ""))) {
            run(r, 5_000);
            r.assertNothingLeaks();
            long heapBefore = settledHeap(Long.MAX_VALUE);
            int[] outcome = run(r, 20_000);
            r.assertNothingLeaks();
            // Closed QUIC connections are released when their draining period ends (client and
            // router share this JVM), so the heap is read once it has settled.
            long heapAfter = settledHeap(heapBefore + 16L * 1024 * 1024);
            System.out.println("heap after GC: before " + heapBefore / 1024 + " KiB, after " + heapAfter / 1024 + " KiB");
            assertThat(outcome[1]).as("failed sessions").isZero();
            assertThat(outcome[0]).isEqualTo(20_000);
            PluginStats s = r.server.core().plugins().stats().get(0);
            assertThat(s.errors() + s.timeouts() + s.shed()).as(s.toString()).isZero();
            assertThat(s.calls()).isEqualTo(25_000);
            // Flat: what 20,000 more sessions leave behind is small next to the heap in use.
            assertThat(heapAfter - heapBefore).as("heap growth over 20,000 sessions").isLessThan(32L * 1024 * 1024);
            r.assertNothingLeaks();
        }
    }

    private static int[] run(TestRouter r, int sessions) throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < 64; w++) {
            workers.add(worker(r, sessions, started, ok, failed));
        }
        CompletableFuture.allOf(workers.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
        return new int[] {ok.get(), failed.get()};
    }

    private static CompletableFuture<Void> worker(TestRouter r, int sessions, AtomicInteger started, AtomicInteger ok, AtomicInteger failed) {
        if (started.getAndIncrement() >= sessions) {
            return CompletableFuture.completedFuture(null);
        }
        return r.client.run(r.request("play.example.com")).handle((SessionResult s, Throwable e) -> {
            if (e == null && s.answer().isReferral() && "play.hyvane.com".equals(s.answer().host())) {
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            return null;
        }).thenCompose(x -> worker(r, sessions, started, ok, failed));
    }

    /** Heap after GC, re-read for up to 30 s until it is at most {@code target}. */
    private static long settledHeap(long target) throws InterruptedException {
        long heap = usedHeapAfterGc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (heap > target && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            heap = usedHeapAfterGc();
        }
        return heap;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
