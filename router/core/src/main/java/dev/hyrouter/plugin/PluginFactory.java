package dev.hyrouter.plugin;

import dev.hyrouter.config.PluginConfig;

/**
 * Creates plugins of one runtime type (wasm, grpc). Runtimes are found with
 * {@link java.util.ServiceLoader}, so the router picks up whichever runtime modules are on its
 * class path.
 */
public interface PluginFactory {
    /** The config {@code type} this factory serves. */
    PluginConfig.PluginType type();

    /**
     * Loads one plugin (may take time: compiling a module, opening channels).
     *
     * @throws Exception with a message for the operator when the plugin cannot be loaded
     */
    Plugin create(PluginConfig config) throws Exception;

    /**
     * Loads one plugin that may use the router's event loops ({@code null} outside a router):
     * a runtime that does network I/O can run it on the loop its caller is on, so a call never
     * crosses threads. The default ignores them.
     */
    default Plugin create(PluginConfig config, io.netty.util.concurrent.EventExecutorGroup eventLoops) throws Exception {
        return create(config);
    }
}
