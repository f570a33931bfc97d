package dev.hyrouter.discovery.spi;

import dev.hyrouter.config.DiscoveryConfig;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot and sync state every provider shares. A provider's own thread calls
 * {@link #publish} with the backends it sees; event loops call {@link #snapshot}, a volatile read.
 * An unchanged set of backends keeps the previous list object, so pools keep what they derived
 * from it (see {@code PoolRouter}).
 */
public abstract class SnapshotProvider implements DiscoveryProvider {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProvider.class);

    protected final DiscoveryConfig.Provider config;
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
    private final LongAdder errors = new LongAdder();
    private volatile List<Backend> snapshot = List.of();
    private volatile boolean synced;
    private volatile long lastSyncMillis;
    private volatile String lastError = "";

    protected SnapshotProvider(DiscoveryConfig.Provider config) {
        this.config = config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String type() {
        return config.type();
    }

    @Override
    public CompletableFuture<Void> firstSync() {
        return firstSync;
    }

    @Override
    public List<Backend> snapshot() throws DiscoveryException {
        if (!synced) {
            String why = lastError;
            throw new DiscoveryException("discovery provider " + name() + " has not synced yet" + (why.isEmpty() ? "" : " (" + why + ")"));
        }
        return snapshot;
    }

    /** Installs a new full snapshot and marks the provider synced. Call from the provider's own thread. */
    protected void publish(List<Backend> backends) {
        List<Backend> old = snapshot;
        if (!synced || !old.equals(backends)) {
            snapshot = List.copyOf(backends);
            if (synced) {
                LOG.info("discovery provider {}: {} backend(s) (was {})", name(), backends.size(), old.size());
            }
        }
        lastSyncMillis = System.currentTimeMillis();
        if (!synced) {
            synced = true;
            LOG.info("discovery provider {} ({}) synced: {} backend(s)", name(), type(), backends.size());
            firstSync.complete(null);
        }
    }

    /** Counts and remembers a failure; the last snapshot keeps serving. */
    protected void failed(String message) {
        errors.increment();
        lastError = message;
    }

    @Override
    public ProviderState state() {
        return new ProviderState(name(), type(), synced, snapshot.size(), lastSyncMillis, errors.sum(), lastError);
    }
}
