package dev.hyrouter.discovery.spi;

import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One configured discovery provider ({@code discovery.providers[]}). A provider keeps its
 * backends up to date on its own threads and hands routing an immutable snapshot; one that
 * allocates per connection (Agones allocate mode) answers through {@link #allocate} instead.
 * Implementations extend {@link SnapshotProvider}, which holds the snapshot and the sync state.
 */
public interface DiscoveryProvider extends AutoCloseable {
    /** The provider's name from the config. */
    String name();

    /** {@code kubernetes}, {@code agones} or {@code file}. */
    String type();

    /** Starts watching; returns at once. Failures are reported through {@link #state()}. */
    void start();

    /** Completes when the first full snapshot is in (never fails: a provider keeps retrying). */
    CompletableFuture<Void> firstSync();

    /** The current backends, the same list object until they change; never blocks. */
    List<Backend> snapshot() throws DiscoveryException;

    /** Whether routing must call {@link #allocate} per connection instead of reading the snapshot. */
    default boolean allocates() {
        return false;
    }

    /** One allocation, off the caller's thread; see {@link dev.hyrouter.routing.DiscoveryResolver#allocate}. */
    default CompletableFuture<List<Backend>> allocate() {
        return CompletableFuture.failedFuture(new DiscoveryException("discovery provider " + name() + " does not allocate"));
    }

    /** What an operator sees in the stats line and metrics. */
    ProviderState state();

    /** Stops watching and releases the client; never throws. */
    @Override
    void close();
}
