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

    private RouterCore(RouterConfig config, DecisionPipeline pipeline, ClientReferralEncoder referralEncoder, PluginChain plugins) {
        this.config = config;
        this.pipeline = pipeline;
        this.referralEncoder = referralEncoder;
        this.plugins = plugins;
    }

    /**
     * @param factories plugin runtimes by type; see {@link #discoverFactories()}
     * @param timer     schedules plugin call timeouts
     * @throws IllegalStateException naming the plugin when one cannot be loaded
     */
    public static RouterCore build(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            ScheduledExecutorService timer, DiscoveryResolver discovery) {
        RoutingEngine engine = RoutingCompiler.compile(config.routing(), discovery);
        EnvelopeSigner signer = config.referral() == null
                ? new EnvelopeSigner(0, null)
                : new EnvelopeSigner(config.referral().keyId(), config.referral().hmacSecret());
        List<PluginChain.Entry> entries = new ArrayList<>();
        List<Plugin> loaded = new ArrayList<>();
        try {
            for (PluginConfig pc : PluginOrder.order(config.plugins())) {
                PluginFactory f = factories.get(pc.type());
                if (f == null) {
                    throw new IllegalStateException("plugin \"" + pc.name() + "\" (" + config.source() + ":" + pc.line()
                            + "): no " + pc.type().name().toLowerCase(java.util.Locale.ROOT)
                            + " plugin runtime is on the class path of this build");
                }
                long start = System.nanoTime();
                Plugin p;
                try {
                    p = f.create(pc);
                } catch (Exception e) {
                    throw new IllegalStateException("plugin \"" + pc.name() + "\" (" + config.source() + ":" + pc.line()
                            + ") cannot be loaded: " + e.getMessage(), e);
                }
                loaded.add(p);
                LOG.info("plugin {} ({}, stage {}) loaded in {} ms", pc.name(), pc.type().name().toLowerCase(java.util.Locale.ROOT),
                        pc.stage().name().toLowerCase(java.util.Locale.ROOT), (System.nanoTime() - start) / 1_000_000);
                entries.add(new PluginChain.Entry(p, pc.timeout()));
            }
        } catch (RuntimeException e) {
            loaded.forEach(Plugin::close);
            throw e;
        }
        PluginChain chain = entries.isEmpty() ? PluginChain.empty() : new PluginChain(entries, timer);
        DecisionPipeline pipeline = new DecisionPipeline(engine, chain, new DisconnectMessages(config.messages()),
                signer.maxContentLength());
        return new RouterCore(config, pipeline, new ClientReferralEncoder(signer), chain);
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
