package dev.hyrouter.config;

import dev.hyrouter.routing.BackendHealth;
import dev.hyrouter.routing.BackendKey;
import dev.hyrouter.routing.CandidateFilter;
import dev.hyrouter.routing.CompareFilter;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.routing.GameStartNotPastFilter;
import dev.hyrouter.routing.PoolRouter;
import dev.hyrouter.routing.RandomSource;
import dev.hyrouter.routing.RoutingEngine;
import dev.hyrouter.routing.Selection;
import dev.hyrouter.routing.SortRule;
import dev.hyrouter.routing.Strategy;
import dev.hyrouter.routing.WhitelistFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Compiles a validated {@link RoutingConfig} into a {@link RoutingEngine}. */
public final class RoutingCompiler {
    private RoutingCompiler() {
    }

    public static RoutingEngine compile(RoutingConfig config, DiscoveryResolver discovery, RandomSource rng, LongSupplier clockMillis) {
        return compile(config, discovery, rng, clockMillis, new BackendHealth());
    }

    public static RoutingEngine compile(RoutingConfig config, DiscoveryResolver discovery, RandomSource rng, LongSupplier clockMillis,
            BackendHealth health) {
        List<List<String>> patterns = new ArrayList<>();
        List<PoolRouter> pools = new ArrayList<>();
        for (RouteConfig r : config.routes()) {
            patterns.add(r.hostnames());
            pools.add(pool(r.pool(), health));
        }
        PoolRouter def = config.defaultPool() == null ? null : pool(config.defaultPool(), health);
        return new RoutingEngine(patterns, pools, def, discovery, rng, clockMillis);
    }

    /** The production engine: per-thread randomness and the wall clock. */
    public static RoutingEngine compile(RoutingConfig config, DiscoveryResolver discovery) {
        return compile(config, discovery, new BackendHealth());
    }

    /** The production engine reading {@code health} (shared by every engine a reload builds). */
    public static RoutingEngine compile(RoutingConfig config, DiscoveryResolver discovery, BackendHealth health) {
        return compile(config, discovery, RandomSource.THREAD_LOCAL, System::currentTimeMillis, health);
    }

    static PoolRouter pool(PoolConfig p, BackendHealth health) {
        Selection base = new Selection(p.strategy(), key(p.key()), p.sample(), sort(p.sort()), p.limit(), filters(p.filters()));
        List<Selection> fallbacks = new ArrayList<>();
        for (FallbackConfig fb : p.fallback()) {
            Strategy strategy = fb.strategy() != null ? fb.strategy() : p.strategy();
            String key = fb.key() != null ? fb.key() : p.key();
            int sample = fb.sample() != null ? fb.sample() : p.sample();
            List<SortKeyConfig> sortKeys = fb.sort() != null ? fb.sort() : p.sort();
            int limit = fb.limit() != null ? fb.limit() : p.limit();
            List<FilterConfig> filterConfigs = fb.filters() != null ? fb.filters() : p.filters();
            fallbacks.add(new Selection(strategy, key(key), sample, sort(sortKeys), limit, filters(filterConfigs)));
        }
        String provider = p.discovery() == null ? null : p.discovery().provider();
        HealthCheckConfig hc = p.healthChecks();
        PoolRouter.HealthPolicy policy = new PoolRouter.HealthPolicy(hc.enabled(), hc.whenAllUnhealthy() == HealthCheckConfig.AllUnhealthy.PANIC);
        return new PoolRouter(p.backends(), provider, p.discovery() == null ? null : p.discovery().mode(), base, fallbacks, policy, health);
    }

    private static BackendKey key(String key) {
        return key == null || key.isEmpty() ? null : BackendKey.parse(key);
    }

    private static List<SortRule> sort(List<SortKeyConfig> keys) {
        List<SortRule> out = new ArrayList<>();
        for (SortKeyConfig k : keys) {
            out.add(new SortRule(BackendKey.parse(k.key()), k.descending(), k.numeric()));
        }
        return out;
    }

    private static List<CandidateFilter> filters(List<FilterConfig> configs) {
        List<CandidateFilter> out = new ArrayList<>();
        for (FilterConfig f : configs) {
            switch (f.type()) {
                case COMPARE:
                    out.add(new CompareFilter(BackendKey.parse(f.left()), f.op(), BackendKey.parse(f.right())));
                    break;
                case WHITELIST:
                    out.add(new WhitelistFilter(f.enabledKey(), f.listKey(), f.subjectUsername()));
                    break;
                default:
                    out.add(new GameStartNotPastFilter(f.key()));
                    break;
            }
        }
        return out;
    }
}
