package dev.hyrouter.bench;

import dev.hyrouter.plugin.ChainResult;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginChain;
import dev.hyrouter.routing.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The plugin chain's own cost per connection with 0, 1 and 3 in-process plugins that answer at
 * once (each choosing a candidate and setting content): request building, the per-call deadline
 * scheduled and cancelled, the original's response rules. The plugins' own work is not in it.
 */
public class PluginChainBenchmark extends SuiteDefaults {
    @Param({"0", "1", "3"})
    public int plugins;

    private ScheduledExecutorService timer;
    private PluginChain chain;
    private final ConnectEvent event = new ConnectEvent("play.example.com", "", "2026.01.29-abc", 0, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "Steve", "de-DE", true);
    private final List<Backend> candidates = List.of(new Backend("a.internal", 5521), new Backend("b.internal", 5522));

    @Setup
    public void setup() {
        timer = Executors.newSingleThreadScheduledExecutor();
        List<PluginChain.Entry> entries = new ArrayList<>();
        for (int i = 0; i < plugins; i++) {
            entries.add(new PluginChain.Entry(new Steer("steer-" + i, i), Duration.ofSeconds(1)));
        }
        chain = new PluginChain(entries, timer);
    }

    @TearDown
    public void tearDown() {
        chain.close();
        timer.shutdownNow();
    }

    @Benchmark
    public ChainResult run() {
        return chain.run(event, "round_robin", candidates, 0, candidates.get(0)).join();
    }

    /** Answers at once: selects candidate {@code i % 2} and sets referral content. */
    private static final class Steer implements Plugin {
        private final String name;
        private final CompletableFuture<ConnectResponse> answer;

        Steer(String name, int i) {
            this.name = name;
            this.answer = CompletableFuture.completedFuture(ConnectResponse.EMPTY.withSelectedIndex(i % 2).withReferralContent(new byte[] {(byte) i}));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
            return answer;
        }
    }
}
