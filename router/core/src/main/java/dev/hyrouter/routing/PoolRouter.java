package dev.hyrouter.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A compiled pool: where candidates come from (static backends, discovery), the base selection
 * and its fallbacks, and the pool's round-robin counter. Thread safe: the counter is a lock-free
 * atomic shared by every event loop, everything else is immutable.
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

    public PoolRouter(List<Backend> staticBackends, String discoveryProvider, DiscoveryMode discoveryMode,
            Selection base, List<Selection> fallbacks) {
        this.staticBackends = List.copyOf(staticBackends);
        this.discoveryProvider = discoveryProvider;
        this.discoveryMode = discoveryMode;
        this.base = base;
        this.fallbacks = List.copyOf(fallbacks);
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
        selectFrom(request, merge(allocated), rng, clockMillis, out);
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
        if (tryPick(base, request, all, rng, clockMillis, out)) {
            return;
        }
        for (int i = 0; i < fallbacks.size(); i++) {
            if (tryPick(fallbacks.get(i), request, all, rng, clockMillis, out)) {
                return;
            }
        }
        out.fail(RoutingErrorKind.NO_BACKENDS, "no backends");
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
