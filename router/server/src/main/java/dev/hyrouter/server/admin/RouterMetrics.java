package dev.hyrouter.server.admin;

import dev.hyrouter.discovery.spi.Discovery;
import dev.hyrouter.discovery.spi.ProviderState;
import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.plugin.PluginMetrics;
import dev.hyrouter.plugin.PluginStats;
import dev.hyrouter.util.RateLimitedLog;
import dev.hyrouter.config.RoutingConfig;
import dev.hyrouter.server.RouterServer;
import dev.hyrouter.server.quic.IntakeStats;
import dev.hyrouter.util.Failures;
import dev.hyrouter.util.LatencyRecorder;
import dev.hyrouter.server.quic.QuicIntake;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.slf4j.LoggerFactory;

/**
 * The router's Prometheus metrics. Nothing here is written by an event loop: every metric is a
 * callback that reads, at scrape time, what the intake already counts with striped adders and
 * per-loop HdrHistogram recorders, so metrics add no work and no shared write to the hot path.
 * The list with meanings is in router/docs/operations.md.
 */
public final class RouterMetrics {
    /** Histogram bucket bounds in seconds: 5 µs to 5 s. */
    static final double[] LATENCY_BUCKETS = {0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private RouterMetrics() {
    }

    /** A registry with the router's metrics and the JVM's. */
    public static PrometheusRegistry registry(RouterServer router) {
        PrometheusRegistry r = new PrometheusRegistry();
        register(r, router);
        jvm(r);
        return r;
    }

    /**
     * The Prometheus client's JVM metrics, the collectors {@code JvmMetrics} registers, but native
     * memory only where the JVM tracks it ({@code -XX:NativeMemoryTracking}): finding out whether
     * it does goes through the platform MBean server (JMX), whose set-up was a measurable part of a
     * cold start on one core, for metrics that stay empty without tracking. The list is
     * {@code JvmMetrics.Builder.register}'s in prometheus-metrics 1.10: compare it at an upgrade.
     */
    static void jvm(PrometheusRegistry r) {
        JvmThreadsMetrics.builder().register(r);
        JvmBufferPoolMetrics.builder().register(r);
        JvmClassLoadingMetrics.builder().register(r);
        JvmCompilationMetrics.builder().register(r);
        JvmGarbageCollectorMetrics.builder().register(r);
        JvmMemoryPoolAllocationMetrics.builder().register(r);
        JvmMemoryMetrics.builder().register(r);
        if (nativeMemoryTracked(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
            JvmNativeMemoryMetrics.builder().register(r);
        }
        JvmRuntimeInfoMetric.builder().register(r);
        ProcessMetrics.builder().register(r);
    }

    /** Whether the JVM's options (command line and JAVA_TOOL_OPTIONS; the last one given wins) turn native memory tracking on. */
    static boolean nativeMemoryTracked(List<String> jvmArguments) {
        boolean on = false;
        for (String a : jvmArguments) {
            if (a.startsWith("-XX:NativeMemoryTracking=")) {
                on = !a.endsWith("=off");
            }
        }
        return on;
    }

    static void register(PrometheusRegistry r, RouterServer router) {
        health(r, router);
        certificates(r, router);
        IntakeStats s = router.stats();
        counter(r, "hyrouter_connections_accepted", "QUIC connections accepted", s, IntakeStats::connectionsOpened);
        gauge(r, "hyrouter_connections_open", "QUIC connections open now", () -> s.connectionsOpen());
        gauge(r, "hyrouter_streams_open", "QUIC streams open now", () -> s.streamsOpen());
        counter(r, "hyrouter_handshakes_failed", "QUIC/TLS handshakes that failed (bad ALPN, TLS alerts, handshake timeouts)", s,
                IntakeStats::handshakesFailed);
        counter(r, "hyrouter_handshakes_resumed", "Handshakes completed by resuming a TLS session ticket (no certificate, no signature)", s,
                IntakeStats::handshakesResumed);
        CounterWithCallback.builder().name("hyrouter_early_data_connects")
                .help("Connects read as 0-RTT early data (quic.early_data), each held until its handshake completed: decided then, "
                        + "or abandoned because the handshake never completed (a replayed first flight ends so)")
                .labelNames("handling").callback(cb -> {
                    cb.call(s.earlyConnects() - s.earlyConnectsAbandoned(), "decided");
                    cb.call(s.earlyConnectsAbandoned(), "abandoned");
                }).register(r);
        CounterWithCallback.builder().name("hyrouter_connects").help("Connect packets received, by whether they decoded")
                .labelNames("result").callback(cb -> {
                    cb.call(s.connectsReceived() - s.undecodableConnects(), "decoded");
                    cb.call(s.undecodableConnects(), "undecodable");
                }).register(r);
        CounterWithCallback.builder().name("hyrouter_connects_undecodable")
                .help("Connects the codec could not read, by why (plugins still decide them; a new client version shows up here first)")
                .labelNames("reason").callback(cb -> {
                    for (dev.hyrouter.codec.ConnectView.Undecodable u : dev.hyrouter.codec.ConnectView.Undecodable.values()) {
                        cb.call(s.undecodableConnects(u), u.label());
                    }
                }).register(r);
        CounterWithCallback.builder().name("hyrouter_answers").help("Answers decided by the pipeline: referral, or a Disconnect by kind")
                .labelNames("outcome").callback(cb -> {
                    cb.call(s.referrals(), "referral");
                    for (OutcomeKind k : OutcomeKind.values()) {
                        if (k != OutcomeKind.REFERRAL) {
                            cb.call(s.outcomes(k), k.label());
                        }
                    }
                }).register(r);
        CounterWithCallback.builder().name("hyrouter_protocol_disconnects")
                .help("Disconnects sent without a decision: no Connect in time, a frame over the cap, a stream ended inside a frame")
                .labelNames("reason").callback(cb -> {
                    cb.call(s.connectTimeouts(), "connect_timeout");
                    cb.call(s.oversizedFrames(), "oversized_frame");
                    cb.call(s.incompleteStreams(), "incomplete_stream");
                    cb.call(s.extraConnects(), "second_connect");
                }).register(r);
        counter(r, "hyrouter_silent_connections_closed", "Connections closed because no stream delivered a Connect", s,
                IntakeStats::silentConnectionsClosed);
        counter(r, "hyrouter_write_failures", "Answers that could not be written", s, IntakeStats::writeFailures);
        GaugeWithCallback.builder().name("hyrouter_handshakes_in_progress")
                .help("TLS handshakes admitted and not yet completed (limits.max_handshakes_in_progress bounds them)")
                .callback(cb -> cb.call(router.intake().handshakesInProgress())).register(r);
        counter(r, "hyrouter_warmup_sessions", "Sessions of the router's own warm-up client before ready (warmup.sessions): decided with nothing"
                + " leaving the process, not in hyrouter_answers_total", s, IntakeStats::warmupSessions);
        counter(r, "hyrouter_shed_before_codec", "New connections shed for the queue before the QUIC codec saw their Initial (no connection state,"
                + " no TLS object); the rest of hyrouter_refused_total{limit=\"handshake_queue_target\"} were refused after", s, IntakeStats::shedAtDoor);
        counter(r, "hyrouter_refused_source_before_codec", "New connections refused for a per-address limit before the QUIC codec saw their"
                + " Initial (no connection state, no TLS object); the rest of hyrouter_refused_total{limit=~\".*_per_ip\"} were refused after",
                s, IntakeStats::refusedSourceAtDoor);
        GaugeWithCallback.builder().name("hyrouter_loops_shedding")
                .help("Event loops refusing new connections now for a standing queue (limits.handshake_queue_target: datagrams waiting in"
                        + " the socket for over half of it, a socket full for longer than it, or fastest recent handshakes slower than it);"
                        + " refusals are hyrouter_refused_total{limit=\"handshake_queue_target\"}")
                .callback(cb -> cb.call(router.intake().sheddingLoops())).register(r);
        CounterWithCallback.builder().name("hyrouter_shedding_episodes")
                .help("Times an event loop began refusing new connections for a standing queue (hyrouter_loops_shedding), by the signal"
                        + " that began it: socket_delay (a datagram waited in the socket for over half of limits.handshake_queue_target),"
                        + " socket_full (every read found the socket full for longer than it), slow_handshakes (the fastest handshakes"
                        + " of an interval took longer than it)")
                .labelNames("signal").callback(cb -> {
                    long[] n = router.intake().sheddingOnsets();
                    for (int i = 0; i < n.length; i++) {
                        cb.call(n[i], dev.hyrouter.server.quic.QuicIntake.SHEDDING_SIGNALS.get(i));
                    }
                }).register(r);
        GaugeWithCallback.builder().name("hyrouter_socket_queue_delay_seconds")
                .help("How long a datagram waits in the router's socket receive buffers now (the longest of its sockets, measured by a"
                        + " probe datagram the router sends itself every 50 ms; 0 when none arrived in the last second or on NIO)")
                .callback(cb -> cb.call(router.intake().socketQueueDelaySeconds())).register(r);
        counter(r, "hyrouter_retries_sent", "QUIC Retry packets sent (limits.retry)", s, IntakeStats::retriesSent);
        counter(r, "hyrouter_gso_writes", "writes sent as one GSO batch of datagrams to one peer (quic.gso_segments)", s, IntakeStats::gsoWrites);
        counter(r, "hyrouter_gso_datagrams", "datagrams that left in GSO batches", s, IntakeStats::gsoDatagrams);
        counter(r, "hyrouter_retry_tokens_invalid", "Tokens in Initial packets that are not a valid Retry token of ours (forged, expired or from another address)", s,
                IntakeStats::invalidRetryTokens);
        GaugeWithCallback.builder().name("hyrouter_retry_active_loops")
                .help("Event loops answering new clients with a Retry now (limits.retry: always, or auto above its threshold)")
                .callback(cb -> cb.call(router.intake().retryingLoops())).register(r);
        GaugeWithCallback.builder().name("hyrouter_limit_tracked_sources")
                .help("Source addresses the per-source limits track (live connections or a rate bucket refilling)")
                .callback(cb -> cb.call(router.intake().trackedSources())).register(r);
        CounterWithCallback.builder().name("hyrouter_refused").help("Connections refused with CONNECTION_REFUSED before the handshake, by limit (or draining)")
                .labelNames("limit").callback(cb -> {
                    cb.call(s.refusedDraining(), "draining");
                    for (String key : IntakeStats.limitKeys()) {
                        cb.call(s.refusedByLimit(key), key);
                    }
                }).register(r);
        CounterWithCallback.builder().name("hyrouter_access_log_dropped").help("Outcome log lines dropped because the log could not keep up")
                .callback(cb -> cb.call(router.intake().accessLogDropped())).register(r);
        CounterWithCallback.builder().name("hyrouter_referrals_by_route")
                .help("Referrals per route under the running config (counting restarts at a reload)").labelNames("route")
                .callback(cb -> {
                    var gen = router.intake().generation();
                    long[] counts = gen.referralsByRoute();
                    String[] names = routeNames(gen.core().config().routing());
                    for (int i = 0; i < counts.length; i++) {
                        cb.call(counts[i], names[i]);
                    }
                }).register(r);
        plugins(r, router);
        config(r, router);
        discovery(r, router);
        threadAllocation(r);
        r.register(histogram("hyrouter_answer_latency_seconds", "Connect complete to answer written", router::latency));
        r.register(histogram("hyrouter_handshake_latency_seconds", "Connection start to QUIC/TLS handshake complete",
                () -> router.intake().handshakeLatency()));
    }

    /**
     * Bytes allocated on the heap by live threads, summed per thread name with numbers folded to
     * {@code #} (all event loops of a group are one series): the JVM's exact per-thread counters,
     * read at scrape time, so allocation per session is a counter delta over sessions. A thread
     * that ends takes its bytes with it (the router's threads live as long as the process).
     */
    /** Backend health: one series per checked backend (gone when it leaves), drains, and the checker's counters. */
    private static void certificates(PrometheusRegistry r, RouterServer router) {
        CounterWithCallback.builder().name("hyrouter_tls_certificate_rotations")
                .help("TLS certificate changes picked up without a restart (tls.cert_file/key_file changed, or a reload named others):"
                        + " rotated, or failed (the new pair was broken; the old one kept serving)")
                .labelNames("result").callback(cb -> {
                    cb.call(router.intake().certificates().rotations(), "rotated");
                    cb.call(router.intake().certificates().failures(), "failed");
                }).register(r);
        GaugeWithCallback.builder().name("hyrouter_tls_certificate_expiry_timestamp_seconds")
                .help("When the certificate new handshakes get expires (Unix time)")
                .callback(cb -> cb.call(router.intake().certificates().notAfter().getEpochSecond())).register(r);
    }

    private static void health(PrometheusRegistry r, RouterServer router) {
        GaugeWithCallback.builder().name("hyrouter_ready")
                .help("1 when GET /readyz answers ready (listening, warmed up, discovery synced, not draining), else 0")
                .callback(cb -> cb.call(router.notReadyReason().isEmpty() ? 1 : 0)).register(r);
        router.healthMetrics().collectors().forEach(r::register);
        GaugeWithCallback.builder().name("hyrouter_backend_up")
                .help("1 when a checked backend passed its health checks, 0 when it is ejected (health_checks); a backend not"
                        + " checked yet, or in a pool without checks, has no series")
                .labelNames("backend")
                .callback(cb -> router.health().snapshot().states().forEach((target, state) -> {
                    if (state != dev.hyrouter.routing.BackendHealth.State.UNKNOWN) {
                        cb.call(state == dev.hyrouter.routing.BackendHealth.State.HEALTHY ? 1 : 0, target);
                    }
                })).register(r);
        GaugeWithCallback.builder().name("hyrouter_backend_drained")
                .help("1 for each backend an operator drained (POST /-/backends/<host:port>/drain): it gets no player until undrained")
                .labelNames("backend")
                .callback(cb -> router.health().snapshot().drainedTargets().forEach(target -> cb.call(1, target))).register(r);
    }

    private static void threadAllocation(PrometheusRegistry r) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx) || !mx.isThreadAllocatedMemorySupported()) {
            return;
        }
        mx.setThreadAllocatedMemoryEnabled(true);
        CounterWithCallback.builder().name("hyrouter_thread_allocated_bytes")
                .help("Heap bytes allocated by live threads, by thread name with numbers folded to #").labelNames("threads")
                .callback(cb -> {
                    Map<String, Long> byGroup = new java.util.TreeMap<>();
                    Thread[] threads = new Thread[Thread.activeCount() + 16];
                    int n = Thread.enumerate(threads);
                    for (int i = 0; i < n; i++) {
                        long bytes = mx.getThreadAllocatedBytes(threads[i].getId());
                        if (bytes > 0) {
                            byGroup.merge(threads[i].getName().replaceAll("[0-9]+", "#"), bytes, Long::sum);
                        }
                    }
                    byGroup.forEach((name, bytes) -> cb.call(bytes, name));
                }).register(r);
    }

    /** Route labels: {@code default} for the default pool, then each route's first hostname pattern (with its index if repeated). */
    static String[] routeNames(RoutingConfig routing) {
        String[] out = new String[routing.routes().size() + 1];
        out[0] = "default";
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < routing.routes().size(); i++) {
            var hosts = routing.routes().get(i).hostnames();
            String name = hosts.isEmpty() ? "route " + i : hosts.get(0);
            out[i + 1] = seen.add(name) ? name : name + " #" + i;
        }
        return out;
    }

    private static void plugins(PrometheusRegistry r, RouterServer router) {
        String[] kinds = {"calls", "errors", "timeouts", "denies", "shed"};
        String[] help = {"Plugin calls", "Plugin calls that failed and were skipped", "Plugin calls past their timeout, skipped",
            "Connections a plugin denied", "Connections shed because the plugin was saturated"};
        for (int k = 0; k < kinds.length; k++) {
            int kind = k;
            CounterWithCallback.builder().name("hyrouter_plugin_" + kinds[k]).help(help[k]).labelNames("plugin").callback(cb -> {
                for (PluginStats p : router.core().plugins().stats()) {
                    long v = switch (kind) {
                        case 0 -> p.calls();
                        case 1 -> p.errors();
                        case 2 -> p.timeouts();
                        case 3 -> p.denies();
                        default -> p.shed();
                    };
                    cb.call(v, p.name());
                }
            }).register(r);
        }
        CounterWithCallback.builder().name("hyrouter_plugin_failures")
                .help("Plugin calls that did not decide, by kind (error, timeout, circuit_open, refused) and what the plugin's "
                        + "failure_mode made of them: skipped (open) or refused the connection (closed; a refused call always)")
                .labelNames("plugin", "kind", "decision").callback(cb -> {
                    for (PluginStats p : router.core().plugins().stats()) {
                        for (dev.hyrouter.plugin.FailureKind k : dev.hyrouter.plugin.FailureKind.values()) {
                            cb.call(p.failures(k, false), p.name(), k.label(), "skipped");
                            cb.call(p.failures(k, true), p.name(), k.label(), "refused_connection");
                        }
                    }
                }).register(r);
        r.register(labeledHistogram("hyrouter_plugin_call_latency_seconds", "Plugin call to answer, answered calls only", "plugin", () -> {
            Map<String, LatencyRecorder> out = new LinkedHashMap<>();
            for (PluginStats p : router.core().plugins().stats()) {
                out.put(p.name(), p.latency());
            }
            return out;
        }));
        r.register(pluginRuntimes(router));
        CounterWithCallback.builder().name("hyrouter_plugins_created")
                .help("Plugin instances created since start (a reload that keeps a plugin does not create it again)")
                .callback(cb -> cb.call(router.core().pluginsCreatedTotal())).register(r);
    }

    private static void config(PrometheusRegistry r, RouterServer router) {
        gauge(r, "hyrouter_config_generation", "Config generation serving new connections (1 at start, +1 per reload)",
                () -> router.intake().generation().number());
        gauge(r, "hyrouter_config_last_reload_success", "1 if the last reload (or the start) succeeded, 0 if it was refused",
                () -> router.lastReload().ok() ? 1 : 0);
        GaugeWithCallback.builder().name("hyrouter_config_last_reload_timestamp_seconds").help("When the last reload was tried")
                .unit(Unit.SECONDS).callback(cb -> cb.call(router.lastReload().atMillis() / 1000.0)).register(r);
    }

    private static void discovery(PrometheusRegistry r, RouterServer router) {
        GaugeWithCallback.builder().name("hyrouter_discovery_backends").help("Backends in a provider's snapshot (allocate mode: allocations made)")
                .labelNames("provider").callback(cb -> eachProvider(router, p -> cb.call(p.backends(), p.name()))).register(r);
        GaugeWithCallback.builder().name("hyrouter_discovery_synced").help("1 once a provider has its first full snapshot")
                .labelNames("provider").callback(cb -> eachProvider(router, p -> cb.call(p.synced() ? 1 : 0, p.name()))).register(r);
        CounterWithCallback.builder().name("hyrouter_discovery_errors").help("Discovery failures (watch errors, unreadable files, failed allocations)")
                .labelNames("provider").callback(cb -> eachProvider(router, p -> cb.call(p.errors(), p.name()))).register(r);
        GaugeWithCallback.builder().name("hyrouter_discovery_last_sync_timestamp_seconds").help("When a provider last rebuilt its snapshot")
                .unit(Unit.SECONDS).labelNames("provider")
                .callback(cb -> eachProvider(router, p -> cb.call(p.lastSyncMillis() / 1000.0, p.name()))).register(r);
    }

    private static void eachProvider(RouterServer router, java.util.function.Consumer<ProviderState> f) {
        Discovery d = router.discovery();
        if (d != null) {
            d.states().forEach(f);
        }
    }

    private static void counter(PrometheusRegistry r, String name, String help, IntakeStats s, ToLongFunction<IntakeStats> value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.applyAsLong(s))).register(r);
    }

    private static void gauge(PrometheusRegistry r, String name, String help, Supplier<Number> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.get().doubleValue())).register(r);
    }

    /** A classic histogram from the merged per-loop HdrHistograms (nanoseconds), read at scrape time. */
    static Collector histogram(String name, String help, Supplier<LatencyRecorder> recorder) {
        return new Collector() {
            @Override
            public MetricSnapshot collect() {
                return HistogramSnapshot.builder().name(name).help(help).unit(Unit.SECONDS)
                        .dataPoint(dataPoint(recorder.get().cumulative()).build())
                        .build();
            }

            @Override
            public String getPrometheusName() {
                return name;
            }
        };
    }

    /** One classic histogram per label value (e.g. per plugin), from each one's merged HdrHistograms. */
    static Collector labeledHistogram(String name, String help, String label, Supplier<Map<String, LatencyRecorder>> recorders) {
        return new Collector() {
            @Override
            public MetricSnapshot collect() {
                HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help).unit(Unit.SECONDS);
                recorders.get().forEach((value, recorder) -> b.dataPoint(dataPoint(recorder.cumulative())
                        .labels(Labels.of(label, value)).build()));
                return b.build();
            }

            @Override
            public String getPrometheusName() {
                return name;
            }
        };
    }

    /** What each plugin runtime reports of itself (WASM instances, gRPC channels and breaker), gathered at scrape time. */
    static MultiCollector pluginRuntimes(RouterServer router) {
        RateLimitedLog failures = new RateLimitedLog(LoggerFactory.getLogger(RouterMetrics.class), Duration.ofMinutes(1));
        return () -> {
            Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
            Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
            PluginMetrics sink = new PluginMetrics() {
                @Override
                public void counter(String name, String help, long value, String... labels) {
                    counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help))
                            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
                }

                @Override
                public void gauge(String name, String help, double value, String... labels) {
                    gauges.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
                }
            };
            for (var entry : router.core().plugins().entries()) {
                try {
                    entry.plugin().reportMetrics(sink);
                } catch (RuntimeException e) {
                    // A runtime that cannot report must not break the scrape of everything else.
                    failures.log(entry.plugin().name(), "could not report its runtime metrics (left out of this scrape): "
                            + Failures.describe(e));
                }
            }
            MetricSnapshots.Builder out = MetricSnapshots.builder();
            counters.values().forEach(b -> out.metricSnapshot(b.build()));
            gauges.values().forEach(b -> out.metricSnapshot(b.build()));
            return out.build();
        };
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot.Builder dataPoint(Histogram h) {
        double[] bounds = new double[LATENCY_BUCKETS.length + 1];
        long[] counts = new long[bounds.length];
        long below = 0;
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            bounds[i] = LATENCY_BUCKETS[i];
            long upTo = h.getTotalCount() == 0 ? 0 : h.getCountBetweenValues(0, (long) (LATENCY_BUCKETS[i] * 1e9));
            counts[i] = upTo - below;
            below = upTo;
        }
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        counts[counts.length - 1] = h.getTotalCount() - below;
        return HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(h.getMean() * h.getTotalCount() / 1e9);
    }
}
