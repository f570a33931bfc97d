package dev.hyrouter.discovery.spi;

import dev.hyrouter.config.DiscoveryConfig;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryException;
import dev.hyrouter.routing.DiscoveryResolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured discovery providers, as the {@link DiscoveryResolver} routing reads. Built and
 * started before the listener opens; {@link #awaitFirstSync} is the start-up gate. Lookups are a
 * read of an immutable map and a volatile snapshot: nothing here blocks or locks.
 */
public final class Discovery implements DiscoveryResolver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final Map<String, DiscoveryProvider> providers;

    public Discovery(List<DiscoveryProvider> providers) {
        Map<String, DiscoveryProvider> m = new LinkedHashMap<>();
        providers.forEach(p -> m.put(p.name(), p));
        this.providers = java.util.Collections.unmodifiableMap(m);
    }

    /** No providers: every lookup fails, as when the config has no {@code discovery} section. */
    public static Discovery none() {
        return new Discovery(List.of());
    }

    /** The provider factories on the class path, by type. */
    public static Map<String, DiscoveryProviderFactory> factories() {
        Map<String, DiscoveryProviderFactory> out = new HashMap<>();
        for (DiscoveryProviderFactory f : ServiceLoader.load(DiscoveryProviderFactory.class)) {
            out.putIfAbsent(f.type().toLowerCase(Locale.ROOT), f);
        }
        return out;
    }

    /**
     * Creates every configured provider and starts it (non-blocking).
     *
     * @throws IllegalStateException naming the provider and where it is defined, when it cannot be created
     */
    public static Discovery start(DiscoveryConfig config, Map<String, DiscoveryProviderFactory> factories) {
        if (config == null || config.providers().isEmpty()) {
            return none();
        }
        List<DiscoveryProvider> created = new ArrayList<>();
        try {
            for (DiscoveryConfig.Provider pc : config.providers()) {
                DiscoveryProviderFactory f = factories.get(pc.type());
                if (f == null) {
                    throw new IllegalStateException("discovery provider \"" + pc.name() + "\" (" + pc.where() + "): no " + pc.type()
                            + " provider is on the class path of this build");
                }
                DiscoveryProvider p;
                try {
                    p = f.create(pc);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("discovery provider \"" + pc.name() + "\" (" + pc.where() + ") cannot start: "
                            + e.getMessage(), e);
                }
                created.add(p);
                p.start();
            }
        } catch (RuntimeException e) {
            created.forEach(DiscoveryProvider::close);
            throw e;
        }
        return new Discovery(created);
    }

    /**
     * Waits up to {@code timeout} for every provider's first sync; logs the ones still missing.
     *
     * @return whether all synced in time (the router listens either way; unsynced pools answer {@code discovery_error})
     */
    public boolean awaitFirstSync(Duration timeout) throws InterruptedException {
        if (providers.isEmpty()) {
            return true;
        }
        CompletableFuture<?>[] all = providers.values().stream().map(DiscoveryProvider::firstSync).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            for (DiscoveryProvider p : providers.values()) {
                if (!p.firstSync().isDone()) {
                    ProviderState s = p.state();
                    LOG.warn("discovery provider {} ({}) has not synced within {} ms{}; listening anyway: its pools answer "
                            + "discovery_error until it syncs", s.name(), s.type(), timeout.toMillis(),
                            s.lastError().isEmpty() ? "" : " (last error: " + s.lastError() + ")");
                }
            }
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a discovery provider's first sync failed", e.getCause());
        }
    }

    /** Whether every provider has synced (for readiness). */
    public boolean synced() {
        return providers.values().stream().allMatch(p -> p.state().synced());
    }

    public List<ProviderState> states() {
        return providers.values().stream().map(DiscoveryProvider::state).toList();
    }

    /** The stats line's discovery part, e.g. {@code discovery cluster=synced:12 fleet=unsynced:0:errors=3}; empty without providers. */
    public String statsLine() {
        if (providers.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("discovery");
        for (DiscoveryProvider p : providers.values()) {
            b.append(' ').append(p.state().token());
        }
        return b.toString();
    }

    @Override
    public List<Backend> resolve(String provider) throws DiscoveryException {
        return provider(provider).snapshot();
    }

    @Override
    public boolean allocates(String provider) {
        DiscoveryProvider p = providers.get(provider);
        return p != null && p.allocates();
    }

    @Override
    public CompletableFuture<List<Backend>> allocate(String provider) {
        try {
            return provider(provider).allocate();
        } catch (DiscoveryException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private DiscoveryProvider provider(String name) throws DiscoveryException {
        DiscoveryProvider p = providers.get(name);
        if (p == null) {
            throw new DiscoveryException("unknown discovery provider " + name);
        }
        return p;
    }

    @Override
    public void close() {
        providers.values().forEach(DiscoveryProvider::close);
    }
}
