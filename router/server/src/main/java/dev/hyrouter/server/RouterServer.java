package dev.hyrouter.server;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.discovery.Discovery;
import dev.hyrouter.pipeline.RouterCore;
import dev.hyrouter.plugin.PluginFactory;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.server.quic.IntakeStats;
import dev.hyrouter.server.quic.LatencyRecorder;
import dev.hyrouter.server.quic.QuicIntake;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running router: event loops, the transport-independent core (routing, plugins, pipeline) and
 * the QUIC intake. {@link #close()} stops accepting, closes plugins and shuts the loops down.
 */
public final class RouterServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final RouterCore core;
    private final QuicIntake intake;
    /** The providers behind the resolver, for the stats line; {@code null} for another resolver. */
    private final Discovery discovery;
    /** Whether this server started the providers and so closes them. */
    private final boolean ownsDiscovery;

    private static final org.slf4j.Logger STATS = org.slf4j.LoggerFactory.getLogger("dev.hyrouter.stats");
    private io.netty.util.concurrent.ScheduledFuture<?> statsTask;
    private org.HdrHistogram.Histogram lastLatency;

    private RouterServer(EventLoopGroup group, RouterCore core, QuicIntake intake, Discovery discovery, boolean ownsDiscovery) {
        this.group = group;
        this.core = core;
        this.intake = intake;
        this.discovery = discovery;
        this.ownsDiscovery = ownsDiscovery;
        long interval = core.config().logging().statsInterval().toMillis();
        if (interval > 0) {
            statsTask = group.next().scheduleAtFixedRate(this::logStats, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** One line of counters for an operator; answer latency over the interval since the last line. */
    private void logStats() {
        org.HdrHistogram.Histogram now = intake.latency().cumulative();
        org.HdrHistogram.Histogram h = now.copy();
        if (lastLatency != null) {
            h.subtract(lastLatency);
        }
        lastLatency = now;
        StringBuilder plugins = new StringBuilder();
        core.plugins().stats().forEach(s -> plugins.append(' ').append(s));
        String disc = discovery == null ? "" : discovery.statsLine();
        STATS.info("{}; answer latency us p50={} p99={} p999={} over {} answers{}{}", intake.stats(),
                h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(99) / 1000, h.getValueAtPercentile(99.9) / 1000,
                h.getTotalCount(), plugins, disc.isEmpty() ? "" : "; " + disc);
    }

    /**
     * Starts with the plugin runtimes and discovery providers found on the class path: the
     * configured providers start first and the listener opens once they have synced, or after
     * {@code discovery.sync_timeout}, whichever comes first.
     */
    public static RouterServer start(RouterConfig config) throws InterruptedException {
        Discovery discovery = Discovery.start(config.discovery(), Discovery.factories());
        try {
            if (config.discovery() != null) {
                discovery.awaitFirstSync(config.discovery().syncTimeout());
            }
            return start(config, RouterCore.discoverFactories(), discovery, true);
        } catch (RuntimeException | InterruptedException e) {
            discovery.close();
            throw e;
        }
    }

    /** Starts with a resolver the caller owns and closes (tests, benchmarks). */
    public static RouterServer start(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            DiscoveryResolver discovery) throws InterruptedException {
        return start(config, factories, discovery, false);
    }

    private static RouterServer start(RouterConfig config, Map<PluginConfig.PluginType, PluginFactory> factories,
            DiscoveryResolver resolver, boolean owns) throws InterruptedException {
        EventLoopGroup group = QuicIntake.newGroup(config);
        RouterCore core = null;
        try {
            core = RouterCore.build(config, factories, group, resolver);
            QuicIntake intake = QuicIntake.start(core, group, QuicIntake.epollAvailable());
            return new RouterServer(group, core, intake, resolver instanceof Discovery d ? d : null, owns);
        } catch (RuntimeException | InterruptedException e) {
            if (core != null) {
                core.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The discovery providers behind the resolver, {@code null} when it is another kind of resolver. */
    public Discovery discovery() {
        return discovery;
    }

    public InetSocketAddress address() {
        return intake.address();
    }

    public IntakeStats stats() {
        return intake.stats();
    }

    public LatencyRecorder latency() {
        return intake.latency();
    }

    public RouterCore core() {
        return core;
    }

    public QuicIntake intake() {
        return intake;
    }

    @Override
    public void close() {
        if (statsTask != null) {
            statsTask.cancel(false);
        }
        intake.close();
        core.close();
        if (ownsDiscovery && discovery != null) {
            discovery.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
