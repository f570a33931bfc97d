package dev.hyrouter.plugins.grpc;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginFactory;

/** Registers plugin type {@code grpc} (found through {@link java.util.ServiceLoader}). */
public final class GrpcPluginFactory implements PluginFactory {
    @Override
    public PluginConfig.PluginType type() {
        return PluginConfig.PluginType.GRPC;
    }

    @Override
    public Plugin create(PluginConfig config) throws Exception {
        return GrpcPlugin.connect(config, null);
    }

    @Override
    public Plugin create(PluginConfig config, io.netty.util.concurrent.EventExecutorGroup eventLoops) throws Exception {
        return GrpcPlugin.connect(config, eventLoops);
    }
}
