package dev.hyrouter.routing;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a pool with {@code discovery.provider} gets its discovered backends.
 *
 * <p>Most providers (Kubernetes, Agones in observe mode, a file) keep a snapshot up to date off
 * the event loops; {@link #resolve} returns it without blocking or allocating. A provider that
 * must make a network call per connection (Agones in allocate mode) says so with
 * {@link #allocates}; routing then leaves the decision pending and the pipeline continues when
 * {@link #allocate}'s future completes, so no event loop ever waits for it.
 */
@FunctionalInterface
public interface DiscoveryResolver {
    /**
     * @return the provider's current backends (possibly empty); the same list object for as long
     *         as the snapshot is unchanged, so callers may cache what they derive from it
     * @throws DiscoveryException when the provider is unknown, not yet synced, or has failed
     */
    List<Backend> resolve(String provider) throws DiscoveryException;

    /** Whether {@code provider} answers per connection through {@link #allocate} instead of {@link #resolve}. */
    default boolean allocates(String provider) {
        return false;
    }

    /**
     * Starts one allocation; never blocks. The future fails with a {@link DiscoveryException}
     * (timed out, throttled past the deadline, queue full, API error) that routing answers with
     * {@code discovery_error}.
     */
    default CompletableFuture<List<Backend>> allocate(String provider) {
        return CompletableFuture.failedFuture(new DiscoveryException("discovery provider " + provider + " does not allocate"));
    }

    /** The resolver used when no provider is running: every lookup fails. */
    DiscoveryResolver NONE = provider -> {
        throw new DiscoveryException("discovery resolver not set");
    };
}
