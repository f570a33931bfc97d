package dev.hyrouter.routing;

import java.util.List;

/**
 * The outcome of routing one connection: the chosen backend with its candidate list and index,
 * or an error kind. Mutable so that an event loop can reuse one instance per connection without
 * allocating; not thread safe.
 */
public final class RoutingResult {
    private RoutingErrorKind error;
    private String errorMessage;
    private boolean matched;
    private int routeIndex;
    private Strategy strategy;
    private List<Backend> candidates;
    private int selectedIndex;
    private Backend backend;
    private PoolRouter pendingPool;

    public RoutingResult() {
        reset();
    }

    /** Clears to "no route" before a decision. */
    public void reset() {
        error = RoutingErrorKind.NO_ROUTE;
        errorMessage = "no route";
        matched = false;
        routeIndex = -1;
        strategy = null;
        candidates = List.of();
        selectedIndex = -1;
        backend = null;
        pendingPool = null;
    }

    void route(boolean matched, int routeIndex, Strategy strategy) {
        this.matched = matched;
        this.routeIndex = routeIndex;
        this.strategy = strategy;
    }

    void choose(Strategy poolStrategy, List<Backend> candidates, int index) {
        this.pendingPool = null;
        this.error = null;
        this.errorMessage = null;
        this.strategy = poolStrategy;
        this.candidates = candidates;
        this.selectedIndex = index;
        this.backend = candidates.get(index);
    }

    /** The pool's backends come from a per-connection allocation: {@link RoutingEngine#completeAllocation} finishes the decision. */
    void pending(PoolRouter pool) {
        this.error = null;
        this.errorMessage = null;
        this.pendingPool = pool;
    }

    /**
     * Whether the decision waits for a discovery allocation (Agones allocate mode): neither
     * {@link #ok()} nor failed yet; the pipeline calls {@link RoutingEngine#completeAllocation}.
     */
    public boolean pending() {
        return pendingPool != null;
    }

    PoolRouter pendingPool() {
        return pendingPool;
    }

    /** The discovery provider a pending decision waits for, {@code null} unless {@link #pending()}. */
    public String pendingProvider() {
        return pendingPool == null ? null : pendingPool.discoveryProvider();
    }

    /** An independent copy, for a decision that continues after this instance is reused. */
    public RoutingResult copy() {
        RoutingResult c = new RoutingResult();
        c.error = error;
        c.errorMessage = errorMessage;
        c.matched = matched;
        c.routeIndex = routeIndex;
        c.strategy = strategy;
        c.candidates = candidates;
        c.selectedIndex = selectedIndex;
        c.backend = backend;
        c.pendingPool = pendingPool;
        return c;
    }

    void copyRouteFrom(RoutingResult other) {
        route(other.matched, other.routeIndex, other.strategy);
    }

    void fail(RoutingErrorKind kind, String message) {
        this.pendingPool = null;
        this.error = kind;
        this.errorMessage = message;
        this.candidates = List.of();
        this.selectedIndex = -1;
        this.backend = null;
    }

    /** Whether a backend was chosen. */
    public boolean ok() {
        return error == null && pendingPool == null;
    }

    /** The error kind, {@code null} when {@link #ok()}. */
    public RoutingErrorKind error() {
        return error;
    }

    /** The error as text for {@code ${error}} (e.g. {@code no backends}), {@code null} when ok. */
    public String errorMessage() {
        return errorMessage;
    }

    /** Whether a route (not the default pool) matched. */
    public boolean matched() {
        return matched;
    }

    /** Index of the matched route, -1 for the default pool or no route. */
    public int routeIndex() {
        return routeIndex;
    }

    /** The pool's strategy, {@code null} when no pool was reached. */
    public Strategy strategy() {
        return strategy;
    }

    /** Candidates after filters, sort and limit; do not modify. */
    public List<Backend> candidates() {
        return candidates;
    }

    public int selectedIndex() {
        return selectedIndex;
    }

    /** The chosen backend, {@code null} unless {@link #ok()}. */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return ok() ? "routed to " + backend + " (route " + routeIndex + ", " + strategy.configName() + ")"
                : "routing failed: " + errorMessage + " (route " + routeIndex + ")";
    }
}
