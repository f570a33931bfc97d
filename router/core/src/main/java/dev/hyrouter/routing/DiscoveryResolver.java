package dev.hyrouter.routing;

import java.util.List;

/**
 * Where a pool with {@code discovery.provider} gets its discovered backends. Providers
 * (Kubernetes, Agones) implement it by keeping a snapshot up to date off the event loops; a call
 * must return that snapshot without blocking.
 */
@FunctionalInterface
public interface DiscoveryResolver {
    /**
     * @return the provider's current backends (possibly empty)
     * @throws DiscoveryException when the provider is unknown or has failed
     */
    List<Backend> resolve(String provider) throws DiscoveryException;

    /** The resolver used when no provider is running: every lookup fails. */
    DiscoveryResolver NONE = provider -> {
        throw new DiscoveryException("discovery resolver not set");
    };
}
