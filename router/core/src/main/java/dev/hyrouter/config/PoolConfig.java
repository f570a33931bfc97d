package dev.hyrouter.config;

import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.Strategy;
import java.util.List;

/**
 * A pool: static backends and/or a discovery reference, and how to pick among them.
 *
 * @param key       for least_loaded and p2c; {@code ""} otherwise
 * @param sample    p2c sample size (0 = 2)
 * @param limit     0 = no limit
 * @param discovery {@code null} when the pool uses static backends only
 * @param healthChecks the pool's {@code health_checks} over the top-level ones
 */
public record PoolConfig(
        Strategy strategy,
        String key,
        int sample,
        List<SortKeyConfig> sort,
        int limit,
        List<FilterConfig> filters,
        List<FallbackConfig> fallback,
        List<Backend> backends,
        DiscoveryRef discovery,
        HealthCheckConfig healthChecks) {

    /** {@code pool.discovery}: a provider name and how its backends combine with static ones. */
    public record DiscoveryRef(String provider, dev.hyrouter.routing.DiscoveryMode mode) {
    }
}
