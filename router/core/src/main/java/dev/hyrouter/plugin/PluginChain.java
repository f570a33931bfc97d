package dev.hyrouter.plugin;

import dev.hyrouter.util.LogText;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.util.Failures;
import dev.hyrouter.util.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured plugins one after the other (already in stage and before/after order) and
 * applies their responses with the original's rules. Fully asynchronous: no thread waits for a
 * plugin; each call has its own timeout; a failed or late call is counted, logged (at most once
 * per plugin per interval) and skipped.
 *
 * <p>Thread safe: a run's state is confined to the run, handed from one completion to the next.
 */
public final class PluginChain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginChain.class);
    private static final Backend NO_BACKEND = new Backend("", 0);

    /** One plugin with its call budget. */
    public static final class Entry {
        final Plugin plugin;
        final long timeoutNanos;
        final PluginStats stats;
        final RateLimitedLog errorLog;
        final boolean failClosed;

        public Entry(Plugin plugin, Duration timeout) {
            this(plugin, timeout, null);
        }

        /** @param stats the counters to keep counting on (a plugin kept across a reload), or {@code null} for new ones */
        public Entry(Plugin plugin, Duration timeout, PluginStats stats) {
            this(plugin, timeout, stats, PluginConfig.FailureMode.OPEN);
        }

        /** @param failureMode what a failed call decides: skip the plugin, or refuse the connection */
        public Entry(Plugin plugin, Duration timeout, PluginStats stats, PluginConfig.FailureMode failureMode) {
            this.plugin = plugin;
            this.timeoutNanos = timeout.toNanos();
            this.stats = stats == null ? new PluginStats(plugin.name()) : stats;
            this.errorLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
            this.failClosed = failureMode == PluginConfig.FailureMode.CLOSED;
        }

        /** Whether a failed call refuses the connection ({@code failure_mode: closed}). */
        public boolean failClosed() {
            return failClosed;
        }

        public Plugin plugin() {
            return plugin;
        }

        public PluginStats stats() {
            return stats;
        }

        /** The call budget, for retiring a plugin only after its last call could have ended. */
        public Duration timeout() {
            return Duration.ofNanos(timeoutNanos);
        }
    }

    /** The chain's entries in run order. */
    public List<Entry> entries() {
        return entries;
    }

    private final List<Entry> entries;
    private final ScheduledExecutorService timer;

    /**
     * @param timer schedules the per-call timeouts (an event loop group works)
     */
    public PluginChain(List<Entry> entries, ScheduledExecutorService timer) {
        if (!entries.isEmpty() && timer == null) {
            throw new IllegalArgumentException("a plugin chain needs a timer for its call timeouts");
        }
        this.entries = List.copyOf(entries);
        this.timer = timer;
    }

    public static PluginChain empty() {
        return new PluginChain(List.of(), null);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The plugin named {@code name}, or {@code null} (for runtime-specific metrics and tests). */
    public Plugin plugin(String name) {
        for (Entry e : entries) {
            if (e.plugin.name().equals(name)) {
                return e.plugin;
            }
        }
        return null;
    }

    /** Counters per plugin, in run order. */
    public List<PluginStats> stats() {
        List<PluginStats> out = new ArrayList<>(entries.size());
        entries.forEach(e -> out.add(e.stats));
        return out;
    }

    /**
     * The chain for the router's warm-up sessions: the plugins that take part ({@link Plugin#warmsUp}),
     * in order, each as its {@link Plugin#warmupTwin}, counted on counters of their own that no
     * metric reports.
     */
    public PluginChain forWarmup() {
        List<Entry> warm = new ArrayList<>();
        for (Entry e : entries) {
            if (e.plugin.warmsUp()) {
                Plugin twin;
                try {
                    twin = e.plugin.warmupTwin();
                } catch (RuntimeException ex) {
                    // The warm-up is an optimisation: without the twin this plugin's path is compiled on players' time.
                    LOG.warn("plugin {}: no warm-up twin, its call path stays cold until players' calls: {}", e.plugin.name(), ex.toString());
                    continue;
                }
                warm.add(new Entry(twin, Duration.ofNanos(e.timeoutNanos), null,
                        e.failClosed ? PluginConfig.FailureMode.CLOSED : PluginConfig.FailureMode.OPEN));
            }
        }
        if (warm.isEmpty()) {
            return empty();
        }
        PluginChain chain = new PluginChain(warm, timer);
        chain.twins = true;
        return chain;
    }

    /** Set on a chain {@link #forWarmup} made: its plugins are twins, closed by {@link #endWarmup}. */
    private boolean twins;

    /** On the chain {@link #forWarmup} made: closes its twins (once no warm-up call is running); a no-op on any other chain. */
    public void endWarmup() {
        if (!twins) {
            return;
        }
        for (Entry e : entries) {
            try {
                e.plugin.close();
            } catch (Exception ex) {
                LOG.warn("plugin {}: closing its warm-up twin failed: {}", e.plugin.name(), ex.toString());
            }
        }
    }

    /**
     * Runs every plugin.
     *
     * @param backend the routing choice, or {@code null} when routing chose none
     */
    public CompletableFuture<ChainResult> run(ConnectEvent event, String strategy, List<Backend> candidates,
            int selectedIndex, Backend backend) {
        Run run = new Run(event, strategy, candidates, selectedIndex, backend == null ? NO_BACKEND : backend);
        run.step(0);
        return run.result;
    }

    @Override
    public void close() {
        for (Entry e : entries) {
            try {
                e.plugin.close();
            } catch (RuntimeException ex) {
                LOG.warn("plugin {} failed to close: {}", e.plugin.name(), ex.toString());
            }
        }
    }

    /** One connection's pass through the chain. */
    private final class Run {
        final ConnectEvent event;
        final String strategy;
        List<Backend> candidates;
        int selectedIndex;
        Backend backend;
        byte[] content;
        final CompletableFuture<ChainResult> result = new CompletableFuture<>();

        Run(ConnectEvent event, String strategy, List<Backend> candidates, int selectedIndex, Backend backend) {
            this.event = event;
            this.strategy = strategy;
            this.candidates = candidates;
            this.selectedIndex = selectedIndex;
            this.backend = backend;
        }

        @SuppressWarnings("unchecked")
        void step(int index) {
            if (index >= entries.size()) {
                result.complete(new ChainResult(false, false, null, strategy, candidates, selectedIndex, backend, content));
                return;
            }
            Entry entry = entries.get(index);
            entry.stats.calls.increment();
            long started = System.nanoTime();
            ConnectRequest request = new ConnectRequest(event, strategy,
                    candidates == null || candidates.isEmpty() ? null : candidates, selectedIndex, backend, content);
            CompletionStage<ConnectResponse> stage;
            try {
                stage = entry.plugin.onConnect(request);
            } catch (RuntimeException | Error e) {
                failed(entry, index, e);
                return;
            }
            // Exactly CompletableFuture: subclasses (a minimal stage, a call future) may not answer isDone.
            if (stage.getClass() == CompletableFuture.class && ((CompletableFuture<ConnectResponse>) stage).isDone()) {
                CompletableFuture<ConnectResponse> done = (CompletableFuture<ConnectResponse>) stage;
                // Answered in place (an inline WASM call, a cached answer): no deadline to arm or cancel.
                ConnectResponse response = null;
                Throwable error = null;
                try {
                    response = done.getNow(null);
                } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                    error = e;
                }
                settle(entry, index, response, error, started);
                return;
            }
            AtomicBoolean settled = new AtomicBoolean();
            // The deadline lives on the caller's own event loop when there is one, so arming and
            // cancelling it never wakes another thread.
            ScheduledExecutorService here = io.netty.util.internal.ThreadExecutorMap.currentExecutor();
            ScheduledExecutorService clock = here != null ? here : timer;
            ScheduledFuture<?> deadline = clock == null ? null : clock.schedule(() -> {
                if (settled.compareAndSet(false, true)) {
                    cancelQuietly(stage);
                    timedOut(entry, index, "");
                }
            }, entry.timeoutNanos, TimeUnit.NANOSECONDS);
            stage.whenComplete((response, error) -> {
                if (!settled.compareAndSet(false, true)) {
                    return;
                }
                if (deadline != null) {
                    deadline.cancel(false);
                }
                settle(entry, index, response, error, started);
            });
        }

        private void settle(Entry entry, int index, ConnectResponse response, Throwable error, long started) {
            if (error != null || response == null) {
                failed(entry, index, error == null ? new IllegalStateException("plugin returned no response") : error);
                return;
            }
            entry.stats.latency.record(System.nanoTime() - started);
            if (apply(entry, response)) {
                result.complete(new ChainResult(false, true, response.denyReason() == null ? "" : response.denyReason(),
                        strategy, candidates, selectedIndex, backend, content));
                return;
            }
            step(index + 1);
        }

        /** A call past its deadline, abandoned by the chain or stopped by its runtime. */
        private void timedOut(Entry entry, int index, String how) {
            entry.stats.timeouts.increment();
            String what = "did not answer within " + Duration.ofNanos(entry.timeoutNanos).toMillis() + " ms" + how;
            undecided(entry, index, FailureKind.TIMEOUT, what);
        }

        private void failed(Entry entry, int index, Throwable error) {
            Throwable cause = Failures.unwrap(error);
            if (cause instanceof PluginTimeoutException) {
                timedOut(entry, index, " and was stopped");
                return;
            }
            if (cause instanceof PluginOverloadedException) {
                // Never skipped, whatever the mode: a skipped deny plugin would let everyone in under load.
                entry.stats.shed.increment();
                entry.stats.failure(FailureKind.REFUSED, true);
                if (entry.failClosed) {
                    entry.errorLog.log(entry.plugin.name(), "is overloaded; refusing the connection as plugin_unavailable"
                            + " (failure_mode closed; sni " + LogText.client(event.sni()) + ")");
                    complete(FailureKind.REFUSED);
                    return;
                }
                entry.errorLog.log(entry.plugin.name(), "is overloaded; shedding the connection (sni " + LogText.client(event.sni()) + ")");
                result.complete(new ChainResult(true, false, null, strategy, candidates, selectedIndex, backend, content));
                return;
            }
            entry.stats.errors.increment();
            if (cause instanceof PluginUnavailableException) {
                undecided(entry, index, FailureKind.CIRCUIT_OPEN, "is unavailable (" + LogText.value(cause.getMessage(), LogText.PLUGIN_CAP) + ")");
                return;
            }
            undecided(entry, index, FailureKind.ERROR, "failed: " + LogText.value(Failures.describe(error), LogText.PLUGIN_CAP));
        }

        /** A call that did not decide: skipped (failure_mode open, the original's rule) or the connection refused (closed). */
        private void undecided(Entry entry, int index, FailureKind kind, String what) {
            entry.stats.failure(kind, entry.failClosed);
            String sni = LogText.client(event.sni());
            if (entry.failClosed) {
                entry.errorLog.log(entry.plugin.name(), what + "; refusing the connection as plugin_unavailable (failure_mode closed; sni "
                        + sni + ")");
                complete(kind);
                return;
            }
            entry.errorLog.log(entry.plugin.name(), what + "; skipped (failure_mode open; sni " + sni + ")");
            step(index + 1);
        }

        private void complete(FailureKind unavailable) {
            result.complete(new ChainResult(false, false, null, strategy, candidates, selectedIndex, backend, content, unavailable));
        }

        /** Applies a response; returns {@code true} when it denies. */
        private boolean apply(Entry entry, ConnectResponse r) {
            if (r.deny()) {
                entry.stats.denies.increment();
                return true;
            }
            if (r.candidates() != null && !r.candidates().isEmpty()) {
                candidates = List.copyOf(r.candidates());
            }
            if (r.selectedIndex() != null) {
                int idx = r.selectedIndex();
                if (candidates != null && idx >= 0 && idx < candidates.size()) {
                    selectedIndex = idx;
                    backend = candidates.get(idx);
                }
            }
            if (r.backend() != null) {
                backend = r.backend();
                if (candidates != null) {
                    for (int i = 0; i < candidates.size(); i++) {
                        if (candidates.get(i).sameTarget(backend)) {
                            selectedIndex = i;
                            break;
                        }
                    }
                }
            }
            if (backend.host().isEmpty() && candidates != null && !candidates.isEmpty()) {
                selectedIndex = 0;
                backend = candidates.get(0);
            }
            if (r.referralContent() != null) {
                content = r.referralContent();
            }
            return false;
        }
    }

    private static void cancelQuietly(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(false);
        } catch (UnsupportedOperationException ignored) {
            // A stage that cannot be cancelled is simply abandoned; its late answer is ignored.
        }
    }

}
