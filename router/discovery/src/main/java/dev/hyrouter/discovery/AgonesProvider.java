package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.ProviderState;
import dev.hyrouter.discovery.spi.SnapshotProvider;
import dev.hyrouter.discovery.selector.LabelSelector;
import dev.hyrouter.config.DiscoveryConfig;
import dev.hyrouter.config.GoDuration;
import dev.hyrouter.util.RateLimitedLog;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryException;
import dev.hyrouter.util.Failures;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: agones}. In {@code observe} mode (the default) backends are the GameServers in the
 * configured states, watched with an informer, with their counters ({@code counter.<name>.count|capacity}),
 * lists ({@code list.<name>.values|capacity}), address and port chosen as the original does. In
 * {@code allocate} mode every connection creates one {@code GameServerAllocation} and is referred
 * to the GameServer it returns.
 *
 * <p>Allocation is a blocking API call, so it never runs on an event loop: a connection reserves
 * the next slot of the {@code allocate_min_interval} throttle (a lock-free compare-and-set), waits
 * for it on a timer, and then runs on a bounded pool of {@value #ALLOCATE_THREADS} threads. A
 * slot further away than {@code allocate_timeout}, a full queue, a failed call or a call past the
 * deadline all fail the future, and routing answers {@code discovery_error}.
 */
final class AgonesProvider extends SnapshotProvider {
    private static final Logger LOG = LoggerFactory.getLogger(AgonesProvider.class);
    static final ResourceDefinitionContext GAME_SERVERS = new ResourceDefinitionContext.Builder()
            .withGroup("agones.dev").withVersion("v1").withKind("GameServer").withPlural("gameservers").withNamespaced(true).build();
    static final ResourceDefinitionContext ALLOCATIONS = new ResourceDefinitionContext.Builder()
            .withGroup("allocation.agones.dev").withVersion("v1").withKind("GameServerAllocation").withPlural("gameserverallocations")
            .withNamespaced(true).build();
    static final Duration DEFAULT_ALLOCATE_TIMEOUT = Duration.ofSeconds(3);
    static final int ALLOCATE_THREADS = 4;
    static final int ALLOCATE_QUEUE = 1024;

    private final KubernetesClient client;
    private final boolean allocateMode;
    private final List<String> namespaces;
    private final Set<String> states;
    private final LabelSelector labels;
    private final String labelExpression;
    private final String annotations;
    private final List<String> includeLabels;
    private final List<String> includeAnnotations;
    private final String addressSource;
    private final List<String> addressPreference;
    private final String portName;
    private final int portNumber;
    private final long minIntervalNanos;
    private final long allocateTimeoutNanos;
    private final InformerSet informers;
    private final ThreadPoolExecutor allocators;
    private final AtomicLong nextSlotNanos = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder allocations = new LongAdder();
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    AgonesProvider(DiscoveryConfig.Provider config, KubernetesClient client) {
        super(config);
        this.client = client;
        Map<String, Object> s = config.settings();
        String mode = Meta.string(s, "mode").toLowerCase(Locale.ROOT);
        this.allocateMode = mode.equals("allocate");
        this.namespaces = KubernetesProvider.distinct(Meta.strings(s, "namespaces"));
        Set<String> st = new HashSet<>();
        for (String state : Meta.strings(s, "state")) {
            if (!state.trim().isEmpty()) {
                st.add(state.trim().toLowerCase(Locale.ROOT));
            }
        }
        this.states = st.isEmpty() ? Set.of("ready") : Set.copyOf(st);
        Map<String, Object> sel = Meta.map(s, "selector");
        this.labelExpression = Meta.string(sel, "labels");
        this.labels = LabelSelector.parse(labelExpression);
        this.annotations = Meta.string(sel, "annotations");
        Map<String, Object> metadata = Meta.map(s, "metadata");
        this.includeLabels = Meta.strings(metadata, "include_labels");
        this.includeAnnotations = Meta.strings(metadata, "include_annotations");
        Map<String, Object> address = Meta.map(s, "address");
        this.addressSource = Meta.string(address, "source").toLowerCase(Locale.ROOT);
        this.addressPreference = Meta.strings(address, "preference");
        Map<String, Object> port = Meta.map(s, "port");
        this.portName = Meta.string(port, "name");
        this.portNumber = Meta.integer(port, "number");
        String interval = Meta.string(s, "allocate_min_interval");
        long min = interval.isEmpty() ? 0 : GoDuration.parse(interval).toNanos();
        this.minIntervalNanos = Math.max(0, min);
        String timeout = Meta.string(s, "allocate_timeout");
        this.allocateTimeoutNanos = (timeout.isEmpty() ? DEFAULT_ALLOCATE_TIMEOUT : GoDuration.parse(timeout)).toNanos();
        this.informers = new InformerSet(config.name(), this::rebuild, this::failed);
        if (allocateMode) {
            AtomicInteger n = new AtomicInteger();
            this.allocators = new ThreadPoolExecutor(ALLOCATE_THREADS, ALLOCATE_THREADS, 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(ALLOCATE_QUEUE), r -> {
                        Thread t = new Thread(r, "discovery-" + config.name() + "-allocate-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            allocators.allowCoreThreadTimeOut(true);
        } else {
            this.allocators = null;
            for (String ns : namespaces.isEmpty() ? List.of("") : namespaces) {
                informers.add(() -> ns.isEmpty() ? client.genericKubernetesResources(GAME_SERVERS).inAnyNamespace().runnableInformer(0)
                        : client.genericKubernetesResources(GAME_SERVERS).inNamespace(ns).runnableInformer(0));
            }
        }
    }

    @Override
    public void start() {
        if (allocateMode) {
            // Nothing to watch: every connection asks the API. Ready as soon as the client exists.
            publish(List.of());
            return;
        }
        informers.start();
    }

    @Override
    public boolean allocates() {
        return allocateMode;
    }

    @Override
    public ProviderState state() {
        ProviderState s = super.state();
        return allocateMode ? new ProviderState(s.name(), s.type(), s.synced(), (int) Math.min(Integer.MAX_VALUE, allocations.sum()),
                s.lastSyncMillis(), s.errors(), s.lastError()) : s;
    }

    // ---- observe mode

    private void rebuild() {
        List<Backend> out = new ArrayList<>();
        for (GenericKubernetesResource gs : informers.items(GenericKubernetesResource.class)) {
            if (!namespaces.isEmpty() && !namespaces.contains(gs.getMetadata().getNamespace())) {
                continue;
            }
            if (!labels.matches(gs.getMetadata().getLabels()) || !Meta.annotationsMatch(gs.getMetadata().getAnnotations(), annotations)) {
                continue;
            }
            Backend b = gameServerBackend(gs);
            if (b != null) {
                out.add(b);
            }
        }
        publish(out);
    }

    private Backend gameServerBackend(GenericKubernetesResource gs) {
        Map<String, Object> status = asMap(gs.getAdditionalProperties().get("status"));
        String state = str(status.get("state"));
        String lower = state.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("shutdown") || !states.contains(lower)) {
            return null;
        }
        String addr = address(status);
        int port = port(status);
        if (addr.isEmpty() || port == 0) {
            return null;
        }
        Map<String, String> labelsMap = gs.getMetadata().getLabels();
        Map<String, String> annotationsMap = gs.getMetadata().getAnnotations();
        Map<String, String> meta = new LinkedHashMap<>();
        Meta.identity(meta, gs.getMetadata().getNamespace(), gs.getMetadata().getName(), "");
        meta.put("gameserver.state", state);
        if (labelsMap != null && !isEmpty(labelsMap.get(Meta.WEIGHT_KEY))) {
            meta.put("label." + Meta.WEIGHT_KEY, labelsMap.get(Meta.WEIGHT_KEY));
        }
        if (annotationsMap != null && !isEmpty(annotationsMap.get(Meta.WEIGHT_KEY))) {
            meta.put("annotation." + Meta.WEIGHT_KEY, annotationsMap.get(Meta.WEIGHT_KEY));
        }
        for (Map.Entry<String, Object> c : asMap(status.get("counters")).entrySet()) {
            if (c.getValue() instanceof Map<?, ?> m) {
                if (m.containsKey("count")) {
                    meta.put("counter." + c.getKey() + ".count", number(m.get("count")));
                }
                if (m.containsKey("capacity")) {
                    meta.put("counter." + c.getKey() + ".capacity", number(m.get("capacity")));
                }
            }
        }
        Meta.include(meta, labelsMap, annotationsMap, includeLabels, includeAnnotations);
        for (Map.Entry<String, Object> l : asMap(status.get("lists")).entrySet()) {
            if (l.getValue() instanceof Map<?, ?> m) {
                if (m.get("values") instanceof List<?> values && !values.isEmpty()) {
                    List<String> xs = new ArrayList<>();
                    for (Object v : values) {
                        if (v instanceof String sv) {
                            xs.add(sv);
                        }
                    }
                    meta.put("list." + l.getKey() + ".values", Meta.goJsonStrings(xs));
                }
                if (m.containsKey("capacity")) {
                    meta.put("list." + l.getKey() + ".capacity", number(m.get("capacity")));
                }
            }
        }
        return new Backend(addr, port, Meta.weight(labelsMap, annotationsMap), meta);
    }

    /** The original's address rules: {@code status.address}, or by type from {@code status.addresses} in preference order. */
    String address(Map<String, Object> status) {
        String addr = str(status.get("address"));
        String source = addressSource;
        if (source.isEmpty()) {
            if (addressPreference.isEmpty()) {
                return addr;
            }
            source = "addresses";
        }
        if (source.equals("address")) {
            return addr;
        }
        if (!(status.get("addresses") instanceof List<?> addrs) || addrs.isEmpty()) {
            return addr;
        }
        Map<String, String> byType = new LinkedHashMap<>();
        for (Object a : addrs) {
            if (a instanceof Map<?, ?> m) {
                String t = str(m.get("type")).trim();
                String v = str(m.get("address")).trim();
                if (!t.isEmpty() && !v.isEmpty()) {
                    byType.put(t, v);
                }
            }
        }
        for (String t : addressPreference) {
            String v = byType.get(t.trim());
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        for (String v : byType.values()) {
            if (!v.isEmpty()) {
                return v;
            }
        }
        return addr;
    }

    /** {@code port.number}, else the port named {@code port.name}, else the first port. */
    int port(Map<String, Object> status) {
        if (portNumber > 0) {
            return portNumber;
        }
        if (!(status.get("ports") instanceof List<?> ports)) {
            return 0;
        }
        for (Object p : ports) {
            if (p instanceof Map<?, ?> m) {
                int port = toInt(m.get("port"));
                if (!portName.isEmpty()) {
                    if (portName.equals(str(m.get("name"))) && port > 0) {
                        return port;
                    }
                    continue;
                }
                if (port > 0) {
                    return port;
                }
            }
        }
        return 0;
    }

    // ---- allocate mode

    @Override
    public CompletableFuture<List<Backend>> allocate() {
        if (!allocateMode) {
            return super.allocate();
        }
        long now = System.nanoTime();
        long delay = reserveSlot(now);
        if (delay < 0) {
            return fail("allocation throttled: the next allocate_min_interval slot is further away than allocate_timeout ("
                    + TimeUnit.NANOSECONDS.toMillis(allocateTimeoutNanos) + " ms)");
        }
        CompletableFuture<List<Backend>> result = new CompletableFuture<>();
        Runnable submit = () -> {
            try {
                allocators.execute(() -> {
                    if (result.isDone()) {
                        return; // timed out while queued: do not allocate a server nobody will be sent to
                    }
                    try {
                        result.complete(List.of(allocateNow()));
                    } catch (DiscoveryException e) {
                        result.completeExceptionally(e);
                    } catch (RuntimeException e) {
                        result.completeExceptionally(new DiscoveryException("allocation failed: " + Failures.describe(e)));
                    }
                });
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new DiscoveryException("allocation queue full (" + ALLOCATE_QUEUE + " waiting)"));
            }
        };
        if (delay == 0) {
            submit.run();
        } else {
            informers.thread().schedule(submit, delay, TimeUnit.NANOSECONDS);
        }
        long remaining = allocateTimeoutNanos - (System.nanoTime() - now);
        return result.orTimeout(Math.max(1, remaining), TimeUnit.NANOSECONDS).handle((backends, failure) -> {
            if (failure == null) {
                allocations.increment();
                return backends;
            }
            Throwable cause = Failures.unwrap(failure);
            String why = cause instanceof TimeoutException
                    ? "allocation timed out after " + TimeUnit.NANOSECONDS.toMillis(allocateTimeoutNanos) + " ms (allocate_timeout)"
                    : cause.getMessage();
            noteFailure(why);
            throw new java.util.concurrent.CompletionException(new DiscoveryException(why));
        });
    }

    /**
     * Takes the next throttle slot: returns how long to wait for it (0 now), or -1 when it is
     * further away than the timeout (then nothing is taken).
     */
    long reserveSlot(long now) {
        if (minIntervalNanos == 0) {
            return 0;
        }
        while (true) {
            long next = nextSlotNanos.get();
            long slot = next == Long.MIN_VALUE || next - now < 0 ? now : next;
            long delay = slot - now;
            if (delay >= allocateTimeoutNanos) {
                return -1;
            }
            if (nextSlotNanos.compareAndSet(next, slot + minIntervalNanos)) {
                return delay;
            }
        }
    }

    private CompletableFuture<List<Backend>> fail(String why) {
        noteFailure(why);
        return CompletableFuture.failedFuture(new DiscoveryException(why));
    }

    private void noteFailure(String why) {
        failed(why);
        failureLog.log("discovery provider " + name() + ": " + why + "; the connection gets discovery_error");
    }

    private Backend allocateNow() throws DiscoveryException {
        String ns = namespaces.isEmpty() ? "default" : namespaces.get(0);
        List<String> configuredStates = Meta.strings(config.settings(), "state");
        String state = configuredStates.isEmpty() ? "Ready" : configuredStates.get(0);
        GenericKubernetesResource gsa = new GenericKubernetesResource();
        gsa.setApiVersion("allocation.agones.dev/v1");
        gsa.setKind("GameServerAllocation");
        gsa.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withGenerateName("hyrouter-").build());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("gameServerState", state);
        spec.put("required", Map.of("matchLabels", matchLabels(labelExpression)));
        gsa.setAdditionalProperty("spec", spec);
        GenericKubernetesResource created = client.genericKubernetesResources(ALLOCATIONS).inNamespace(ns).resource(gsa).create();
        Map<String, Object> status = asMap(created.getAdditionalProperties().get("status"));
        String addr = address(status);
        int port = port(status);
        if (addr.isEmpty() || port == 0) {
            String st = str(status.get("state"));
            throw new DiscoveryException("allocation returned empty address/port" + (st.isEmpty() ? "" : " (state " + st + ")"));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        Meta.identity(meta, ns, created.getMetadata() == null ? "" : created.getMetadata().getName(), "");
        return new Backend(addr, port, 0, meta);
    }

    /** {@code a=b,c=d} as a map, the only selector form an allocation's {@code matchLabels} takes (others are left out, as by the original). */
    static Map<String, String> matchLabels(String expression) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : expression.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (p.isEmpty() || eq < 0) {
                continue;
            }
            String k = p.substring(0, eq).trim();
            if (!k.isEmpty()) {
                out.put(k, p.substring(eq + 1).trim());
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    private static String str(Object o) {
        return o instanceof String s ? s : "";
    }

    /** A JSON number as Go's {@code fmt.Sprint} prints what the original decoded: integers without a fraction. */
    private static String number(Object o) {
        if (o instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(o);
    }

    private static int toInt(Object v) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    @Override
    public void close() {
        informers.close();
        if (allocators != null) {
            allocators.shutdownNow();
        }
        client.close();
    }
}
