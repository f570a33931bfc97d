package dev.hyrouter.pipeline;

import dev.hyrouter.codec.ClientReferralEncoder;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginOrder;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.config.RoutingCompiler;
import dev.hyrouter.envelope.EnvelopeSigner;
import dev.hyrouter.messages.DisconnectMessages;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginChain;
import dev.hyrouter.plugin.PluginFactory;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.routing.BackendHealth;
import dev.hyrouter.routing.RoutingEngine;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the transport-independent router from a loaded configuration: routing engine,
 * plugins in run order, disconnect messages, the pipeline, and a prototype referral encoder
 * (copy it per thread). Owns the plugins: {@link #close()} closes them.
 */
public final class RouterCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterCore.class);

    private final RouterConfig config;
    private final DecisionPipeline pipeline;
    private final ClientReferralEncoder referralEncoder;
    private final PluginChain plugins;
    /** This core's plugins by identity, so that the next config's core can keep the unchanged ones. */
    private final Map<PluginIdentity, PluginChain.Entry> byIdentity;
    /** Plugin instances created since the process started (kept plugins are not created again). */
    private final long pluginsCreatedTotal;

    private RouterCore(RouterConfig config, DecisionPipeline pipeline, ClientReferralEncoder referralEncoder, PluginChain plugins,
            Map<PluginIdentity, PluginChain.Entry> byIdentity, long pluginsCreatedTotal) {
        this.config = config;
        this.pipeline = pipeline;
        this.referralEncoder = referralEncoder;
        this.plugins = plugins;
        this.byIdentity = byIdentity;
        this.pluginsCreatedTotal = pluginsCreatedTotal;
    }

    /**
     * @param factories plugin runtimes by type; see {@link #discoverFactories()}
     * @param timer     schedules plugin call timeouts
     * @throws IllegalStateException naming the plugin when one cannot be loaded
     */
    public static RouterCore build(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            ScheduledExecutorService timer, DiscoveryResolver discovery) {
        return build(config, factories, timer, discovery, null);
    }

    /**
     * Builds the core of a reloaded config: every plugin whose identity (name, type, runtime
     * settings, and for WASM the module file's size and modification time) is unchanged is taken
     * over from {@code previous} with its instances, channels and counters; the others are created.
     * {@link #retire} then closes what {@code previous} has and the new core does not.
     */
    public static RouterCore build(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            ScheduledExecutorService timer, DiscoveryResolver discovery, RouterCore previous) {
        return build(config, factories, timer, discovery, previous, new BackendHealth());
    }

    /** As {@link #build(RouterConfig, Map, ScheduledExecutorService, DiscoveryResolver, RouterCore)}, routing by {@code health}. */
    public static RouterCore build(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            ScheduledExecutorService timer, DiscoveryResolver discovery, RouterCore previous, BackendHealth health) {
        RoutingEngine engine = RoutingCompiler.compile(config.routing(), discovery, health);
        EnvelopeSigner signer = config.referral() == null
                ? new EnvelopeSigner(0, null)
                : new EnvelopeSigner(config.referral().keyId(), config.referral().hmacSecret());
        List<PluginChain.Entry> entries = new ArrayList<>();
        List<Plugin> loaded = new ArrayList<>();
        Map<PluginIdentity, PluginChain.Entry> byIdentity = new java.util.HashMap<>();
        long created = previous == null ? 0 : previous.pluginsCreatedTotal;
        try {
            for (PluginConfig pc : PluginOrder.order(config.plugins())) {
                PluginIdentity identity = PluginIdentity.of(pc);
                PluginChain.Entry kept = previous == null ? null : previous.byIdentity.get(identity);
                if (kept != null) {
                    PluginChain.Entry e = new PluginChain.Entry(kept.plugin(), pc.timeout(), kept.stats(), pc.failureMode());
                    entries.add(e);
                    byIdentity.put(identity, e);
                    LOG.info("plugin {} kept with its instances ({} unchanged)", pc.name(), pc.type().name().toLowerCase(java.util.Locale.ROOT));
                    continue;
                }
                PluginFactory f = factories.get(pc.type());
                if (f == null) {
                    throw new IllegalStateException("plugin \"" + pc.name() + "\" (" + config.source() + ":" + pc.line()
                            + "): no " + pc.type().name().toLowerCase(java.util.Locale.ROOT)
                            + " plugin runtime is on the class path of this build");
                }
                long start = System.nanoTime();
                Plugin p;
                try {
                    p = f.create(pc, timer instanceof io.netty.util.concurrent.EventExecutorGroup loops ? loops : null);
                } catch (Exception e) {
                    throw new IllegalStateException("plugin \"" + pc.name() + "\" (" + config.source() + ":" + pc.line()
                            + ") cannot be loaded: " + e.getMessage(), e);
                }
                loaded.add(p);
                created++;
                LOG.info("plugin {} ({}, stage {}) loaded in {} ms", pc.name(), pc.type().name().toLowerCase(java.util.Locale.ROOT),
                        pc.stage().name().toLowerCase(java.util.Locale.ROOT), (System.nanoTime() - start) / 1_000_000);
                PluginChain.Entry e = new PluginChain.Entry(p, pc.timeout(), null, pc.failureMode());
                entries.add(e);
                byIdentity.put(identity, e);
            }
        } catch (RuntimeException e) {
            loaded.forEach(Plugin::close);
            throw e;
        }
        PluginChain chain = entries.isEmpty() ? PluginChain.empty() : new PluginChain(entries, timer);
        DecisionPipeline pipeline = new DecisionPipeline(engine, chain, new DisconnectMessages(config.messages()),
                signer.maxContentLength());
        return new RouterCore(config, pipeline, new ClientReferralEncoder(signer), chain, Map.copyOf(byIdentity), created);
    }

    /** The routing engine new connections are decided with. */
    public RoutingEngine routing() {
        return pipeline.routing();
    }

    /** Plugin instances created since the process started; a reload that keeps a plugin does not add to it. */
    public long pluginsCreatedTotal() {
        return pluginsCreatedTotal;
    }

    /**
     * Closes the plugins of this (replaced) core that {@code next} did not keep, once calls
     * already started can no longer be running: after the longest plugin timeout of this core
     * (a call past its timeout is skipped by the chain), on {@code timer}. Kept plugins stay open.
     *
     * @return the names of the plugins that will be closed
     */
    public List<String> retire(RouterCore next, ScheduledExecutorService timer) {
        java.util.Set<Plugin> keep = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        next.plugins.entries().forEach(e -> keep.add(e.plugin()));
        List<Plugin> close = new ArrayList<>();
        long graceNanos = 0;
        for (PluginChain.Entry e : plugins.entries()) {
            if (!keep.contains(e.plugin())) {
                close.add(e.plugin());
            }
            graceNanos = Math.max(graceNanos, e.timeout().toNanos());
        }
        if (close.isEmpty()) {
            return List.of();
        }
        Runnable closeAll = () -> close.forEach(p -> {
            try {
                p.close();
                LOG.info("plugin {} closed: it is not in the reloaded config", p.name());
            } catch (RuntimeException ex) {
                LOG.warn("plugin {} failed to close: {}", p.name(), ex.toString());
            }
        });
        // Twice the budget: the call's own timeout fires on a timer that may itself run late.
        timer.schedule(closeAll, graceNanos * 2 + 1_000_000, java.util.concurrent.TimeUnit.NANOSECONDS);
        return close.stream().map(Plugin::name).toList();
    }

    /** The plugin runtimes on the class path. */
    public static Map<PluginConfig.PluginType, PluginFactory> discoverFactories() {
        Map<PluginConfig.PluginType, PluginFactory> out = new EnumMap<>(PluginConfig.PluginType.class);
        for (PluginFactory f : ServiceLoader.load(PluginFactory.class)) {
            out.putIfAbsent(f.type(), f);
        }
        return out;
    }

    public RouterConfig config() {
        return config;
    }

    public DecisionPipeline pipeline() {
        return pipeline;
    }

    /** A prototype; every thread needs its own {@link ClientReferralEncoder#copy()}. */
    public ClientReferralEncoder referralEncoderPrototype() {
        return referralEncoder;
    }

    public PluginChain plugins() {
        return plugins;
    }

    @Override
    public void close() {
        plugins.close();
    }
}
