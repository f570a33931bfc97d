package dev.hyrouter.routing;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Decides where a connection goes: the first route whose hostname pattern matches the SNI (see
 * {@link HostMatcher}), else the default pool; then the pool's candidates, filters, sort, limit,
 * strategy and fallbacks ({@link PoolRouter}).
 *
 * <p>Thread safe and lock-free: compiled state is immutable, round-robin counters are atomics,
 * randomness comes from a per-thread source. Results go into a caller-owned
 * {@link RoutingResult}.
 */
public final class RoutingEngine {
    private final HostMatcher matcher;
    private final PoolRouter[] routes;
    private final PoolRouter defaultPool;
    private final DiscoveryResolver discovery;
    private final RandomSource rng;
    private final LongSupplier clockMillis;

    public RoutingEngine(List<List<String>> patternsByRoute, List<PoolRouter> routePools, PoolRouter defaultPool,
            DiscoveryResolver discovery, RandomSource rng, LongSupplier clockMillis) {
        if (patternsByRoute.size() != routePools.size()) {
            throw new IllegalArgumentException("one pattern list per route");
        }
        this.matcher = new HostMatcher(patternsByRoute);
        this.routes = routePools.toArray(new PoolRouter[0]);
        this.defaultPool = defaultPool;
        this.discovery = discovery == null ? DiscoveryResolver.NONE : discovery;
        this.rng = rng;
        this.clockMillis = clockMillis;
    }

    /** Routes {@code request} into {@code out} (reset first). */
    public void decide(RoutingRequest request, RoutingResult out) {
        out.reset();
        int route = matcher.match(Hostnames.canonical(request.sni()));
        if (route >= 0) {
            PoolRouter pool = routes[route];
            out.route(true, route, pool.strategy());
            pool.select(request, discovery, rng, clockMillis, out);
        } else if (defaultPool != null) {
            out.route(false, -1, defaultPool.strategy());
            defaultPool.select(request, discovery, rng, clockMillis, out);
        }
    }

    /**
     * Finishes a decision that {@link #decide} left {@linkplain RoutingResult#pending() pending}:
     * selection over the allocated backends, or {@code discovery_error} when the allocation
     * failed. {@code out} must be a fresh result owned by the caller (the allocation completes
     * on another thread, long after the event loop reused its scratch result).
     */
    public void completeAllocation(RoutingRequest request, RoutingResult pending, List<Backend> allocated, Throwable failure,
            RoutingResult out) {
        out.reset();
        out.copyRouteFrom(pending);
        PoolRouter pool = pending.pendingPool();
        if (pool == null) {
            throw new IllegalStateException("the routing result is not pending: " + pending);
        }
        if (failure != null) {
            out.fail(RoutingErrorKind.DISCOVERY, "discovery error: " + dev.hyrouter.util.Failures.unwrap(failure).getMessage());
            return;
        }
        pool.selectAllocated(request, allocated, rng, clockMillis, out);
    }

    /** The resolver pools use; the pipeline asks it for allocations. */
    public DiscoveryResolver discovery() {
        return discovery;
    }

    public int routeCount() {
        return routes.length;
    }

    public boolean hasDefaultPool() {
        return defaultPool != null;
    }
}
