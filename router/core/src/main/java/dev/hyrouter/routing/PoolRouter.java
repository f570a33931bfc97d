package dev.hyrouter.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A compiled pool: where candidates come from (static backends, discovery), the base selection
 * and its fallbacks, the pool's round-robin counter, and how backend health narrows the candidates
 * (see {@link BackendHealth}). Thread safe: the counter is a lock-free atomic shared by every event
 * loop, the caches are volatile immutable records, everything else is immutable.
 */
public final class PoolRouter {
    /** A lock-free round-robin counter. */
    static final class Counter {
        private final AtomicLong value = new AtomicLong();

        long next() {
            return value.getAndIncrement();
        }
    }

    private final List<Backend> staticBackends;
    private final String discoveryProvider;
    private final DiscoveryMode discoveryMode;
    private final Selection base;
    private final List<Selection> fallbacks;
    private final Counter counter = new Counter();
    /**
     * The last discovered snapshot and the candidate list merged from it: a provider hands out
     * the same list object until its backends change, so merging (dedupe, static backends,
     * default weights) happens once per change, not once per connection.
     */
    private volatile Merged merged;

    private record Merged(List<Backend> discovered, List<Backend> all) {
    }

    /** How a pool uses health: whether its backends are checked, and whether it refers anyway when none is healthy. */
    public record HealthPolicy(boolean checked, boolean panic) {
        public static final HealthPolicy OFF = new HealthPolicy(false, true);
    }

    private final HealthPolicy healthPolicy;
    private final BackendHealth health;
    /**
     * The candidate lists of the last (backends, health snapshot) pair: rebuilt when either
     * changes (a discovery update, a state change, a drain), not per connection.
     */
    private volatile HealthView healthView;

    /**
     * @param healthy the backends routing may use first: neither drained nor unhealthy, each carrying
     *                a {@code health} meta key when the pool is checked
     * @param panic   the not drained rest (unhealthy), used when {@code healthy} is empty and the pool panics
     */
    private record HealthView(List<Backend> all, BackendHealth.Snapshot snapshot, List<Backend> healthy, List<Backend> panic) {
    }

    public PoolRouter(List<Backend> staticBackends, String discoveryProvider, DiscoveryMode discoveryMode,
            Selection base, List<Selection> fallbacks) {
        this(staticBackends, discoveryProvider, discoveryMode, base, fallbacks, HealthPolicy.OFF, new BackendHealth());
    }

    public PoolRouter(List<Backend> staticBackends, String discoveryProvider, DiscoveryMode discoveryMode,
            Selection base, List<Selection> fallbacks, HealthPolicy healthPolicy, BackendHealth health) {
        this.staticBackends = List.copyOf(staticBackends);
        this.discoveryProvider = discoveryProvider;
        this.discoveryMode = discoveryMode;
        this.base = base;
        this.fallbacks = List.copyOf(fallbacks);
        this.healthPolicy = healthPolicy;
        this.health = health;
    }

    public Strategy strategy() {
        return base.strategy();
    }

    /** The discovery provider's name, {@code null} for a static pool. */
    public String discoveryProvider() {
        return discoveryProvider;
    }

    /**
     * Fills {@code out} with the pool's choice or its error, or marks it pending when the
     * provider allocates per connection (then {@link #selectFrom} finishes it).
     */
    void select(RoutingRequest request, DiscoveryResolver discovery, RandomSource rng, java.util.function.LongSupplier clockMillis,
            RoutingResult out) {
        List<Backend> all;
        if (discoveryProvider == null) {
            all = staticBackends;
        } else if (discovery.allocates(discoveryProvider)) {
            out.pending(this);
            return;
        } else {
            try {
                all = mergeCached(discovery.resolve(discoveryProvider));
            } catch (DiscoveryException e) {
                out.fail(RoutingErrorKind.DISCOVERY, "discovery error: " + e.getMessage());
                return;
            }
        }
        selectFrom(request, all, rng, clockMillis, out);
    }

    /** Finishes a pending decision with the backends an allocation returned. */
    void selectAllocated(RoutingRequest request, List<Backend> allocated, RandomSource rng, java.util.function.LongSupplier clockMillis,
            RoutingResult out) {
        // An allocated game server was made Ready for this player by the allocator; only a drain applies.
        List<Backend> all = merge(allocated);
        BackendHealth.Snapshot snap = health.snapshot();
        if (snap.hasDrains()) {
            List<Backend> kept = new ArrayList<>(all.size());
            for (Backend b : all) {
                if (!snap.drained(b)) {
                    kept.add(b);
                }
            }
            if (kept.isEmpty() && !all.isEmpty()) {
                out.fail(RoutingErrorKind.NO_BACKENDS, "no backends (every allocated one is drained)");
                return;
            }
            all = kept;
        }
        selectFrom(request, all, rng, clockMillis, out);
    }

    private List<Backend> mergeCached(List<Backend> discovered) {
        Merged m = merged;
        if (m != null && m.discovered == discovered) {
            return m.all;
        }
        // Racing loops may both merge a new snapshot once; either result is the same list.
        List<Backend> all = merge(discovered);
        merged = new Merged(discovered, all);
        return all;
    }

    private void selectFrom(RoutingRequest request, List<Backend> all, RandomSource rng, java.util.function.LongSupplier clockMillis,
            RoutingResult out) {
        if (all.isEmpty()) {
            out.fail(RoutingErrorKind.NO_BACKENDS, "no backends");
            return;
        }
        BackendHealth.Snapshot snap = health.snapshot();
        if (!healthPolicy.checked() && !snap.hasDrains()) {
            if (!pickWithFallbacks(request, all, rng, clockMillis, out)) {
                out.fail(RoutingErrorKind.NO_BACKENDS, "no backends");
            }
            return;
        }
        HealthView view = healthView;
        if (view == null || view.all != all || view.snapshot != snap) {
            // Racing loops may both build it once; either result is the same.
            view = view(all, snap);
            healthView = view;
        }
        if (!view.healthy.isEmpty()) {
            if (!pickWithFallbacks(request, view.healthy, rng, clockMillis, out)) {
                out.fail(RoutingErrorKind.NO_BACKENDS, "no backends");
            }
            return;
        }
        if (healthPolicy.panic() && !view.panic.isEmpty() && pickWithFallbacks(request, view.panic, rng, clockMillis, out)) {
            return;
        }
        out.fail(RoutingErrorKind.NO_BACKENDS, view.panic.isEmpty() ? "no backends (every one is drained)" : "no healthy backends");
    }

    private boolean pickWithFallbacks(RoutingRequest request, List<Backend> all, RandomSource rng, java.util.function.LongSupplier clockMillis,
            RoutingResult out) {
        if (tryPick(base, request, all, rng, clockMillis, out)) {
            return true;
        }
        for (int i = 0; i < fallbacks.size(); i++) {
            if (tryPick(fallbacks.get(i), request, all, rng, clockMillis, out)) {
                return true;
            }
        }
        return false;
    }

    private HealthView view(List<Backend> all, BackendHealth.Snapshot snap) {
        List<Backend> healthy = new ArrayList<>(all.size());
        List<Backend> panic = new ArrayList<>();
        for (Backend b : all) {
            if (snap.drained(b)) {
                continue;
            }
            if (!healthPolicy.checked()) {
                healthy.add(b);
                continue;
            }
            BackendHealth.State state = snap.state(b);
            Backend tagged = withHealth(b, state);
            if (state == BackendHealth.State.UNHEALTHY) {
                panic.add(tagged);
            } else {
                healthy.add(tagged);
            }
        }
        return new HealthView(all, snap, List.copyOf(healthy), List.copyOf(panic));
    }

    /** The backend as plugins see it in a checked pool: its metadata plus {@code health}. */
    private static Backend withHealth(Backend b, BackendHealth.State state) {
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        if (b.meta() != null) {
            meta.putAll(b.meta());
        }
        meta.put("health", state.configName());
        return new Backend(b.host(), b.port(), b.weight(), meta);
    }

    private boolean tryPick(Selection s, RoutingRequest request, List<Backend> all, RandomSource rng,
            java.util.function.LongSupplier now, RoutingResult out) {
        List<Backend> candidates = s.candidates(request, all, now);
        if (candidates.isEmpty()) {
            return false;
        }
        out.choose(base.strategy(), candidates, s.pick(candidates, counter, rng));
        return true;
    }

    private List<Backend> merge(List<Backend> discovered) {
        List<Backend> merged;
        if (discoveryMode == DiscoveryMode.PREFER) {
            merged = discovered.isEmpty() ? staticBackends : discovered;
        } else {
            merged = new ArrayList<>(discovered.size() + staticBackends.size());
            merged.addAll(discovered);
            merged.addAll(staticBackends);
        }
        Set<String> seen = new HashSet<>();
        List<Backend> out = new ArrayList<>(merged.size());
        boolean weighted = base.strategy() == Strategy.WEIGHTED;
        for (Backend b : merged) {
            if (seen.add(b.host() + ":" + b.port())) {
                out.add(weighted && b.weight() <= 0 ? b.withWeight(1) : b);
            }
        }
        return List.copyOf(out);
    }
}
