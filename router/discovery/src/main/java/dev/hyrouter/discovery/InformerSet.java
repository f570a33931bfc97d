package dev.hyrouter.discovery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import dev.hyrouter.util.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informers of one provider (watches with the client's list-then-watch, reconnecting on their
 * own) and the one thread that rebuilds its snapshot: after every change (coalesced, so a burst
 * of events costs one rebuild), every 30 s as the original does, and once all informers have
 * synced. When an informer cannot start (API server down, RBAC refusal) they are all stopped and
 * started again after a back-off, and the failure is reported.
 */
final class InformerSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InformerSet.class);
    static final long RESYNC_MILLIS = 30_000;
    static final long RESTART_BACKOFF_MILLIS = 5_000;

    private final String provider;
    private final List<Supplier<SharedIndexInformer<? extends HasMetadata>>> makers = new ArrayList<>();
    private final Runnable rebuild;
    private final java.util.function.Consumer<String> onFailure;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    private volatile List<SharedIndexInformer<? extends HasMetadata>> running = List.of();
    private volatile boolean synced;
    private volatile boolean closed;

    InformerSet(String provider, Runnable rebuild, java.util.function.Consumer<String> onFailure) {
        this.provider = provider;
        this.rebuild = rebuild;
        this.onFailure = onFailure;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "discovery-" + provider);
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds an informer, made fresh at every (re)start: {@code () -> client.pods().inNamespace(ns).runnableInformer(0)}. */
    void add(Supplier<SharedIndexInformer<? extends HasMetadata>> maker) {
        makers.add(maker);
    }

    void start() {
        thread.execute(this::startInformers);
        thread.scheduleWithFixedDelay(this::rebuildNow, RESYNC_MILLIS, RESYNC_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Whether every informer has its first full list. */
    boolean synced() {
        return synced;
    }

    /** Runs {@code task} on the provider's thread. */
    void execute(Runnable task) {
        if (!closed) {
            thread.execute(task);
        }
    }

    /**
     * The objects of {@code type} the running informers hold, once each (a namespace's informer and
     * an all-namespaces one may both hold an object), ordered by namespace and name so a snapshot
     * does not depend on the order events arrived in.
     */
    <T extends HasMetadata> List<T> items(Class<T> type) {
        java.util.Map<String, T> byName = new java.util.TreeMap<>();
        for (SharedIndexInformer<? extends HasMetadata> inf : running) {
            for (HasMetadata o : inf.getStore().list()) {
                if (type.isInstance(o)) {
                    byName.putIfAbsent(o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), type.cast(o));
                }
            }
        }
        return new ArrayList<>(byName.values());
    }

    ScheduledExecutorService thread() {
        return thread;
    }

    private void startInformers() {
        if (closed) {
            return;
        }
        ResourceEventHandler<HasMetadata> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                changed();
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                changed();
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                changed();
            }
        };
        List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        try {
            for (Supplier<SharedIndexInformer<? extends HasMetadata>> maker : makers) {
                SharedIndexInformer<? extends HasMetadata> inf = maker.get();
                inf.addEventHandler(handler);
                informers.add(inf);
                starts.add(inf.start().toCompletableFuture());
            }
        } catch (RuntimeException e) {
            informers.forEach(SharedIndexInformer::stop);
            restartLater(Failures.describe(e));
            return;
        }
        running = List.copyOf(informers);
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> {
            if (failure != null) {
                informers.forEach(SharedIndexInformer::stop);
                restartLater(Failures.describe(failure));
                return;
            }
            execute(() -> {
                synced = true;
                rebuildNow();
            });
        });
    }

    private void restartLater(String why) {
        onFailure.accept(why);
        LOG.warn("discovery provider {}: watching failed ({}); retrying in {} s", provider, why, RESTART_BACKOFF_MILLIS / 1000);
        synced = false;
        if (!closed) {
            thread.schedule(this::startInformers, RESTART_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void changed() {
        if (synced && rebuildQueued.compareAndSet(false, true)) {
            execute(() -> {
                rebuildQueued.set(false);
                rebuildNow();
            });
        }
    }

    private void rebuildNow() {
        if (!synced || closed) {
            return;
        }
        try {
            rebuild.run();
        } catch (RuntimeException e) {
            onFailure.accept("rebuilding backends failed: " + Failures.describe(e));
            LOG.error("discovery provider {}: rebuilding its backends failed; the previous backends keep serving", provider, e);
        }
    }


    @Override
    public void close() {
        closed = true;
        running.forEach(SharedIndexInformer::stop);
        thread.shutdownNow();
    }
}
