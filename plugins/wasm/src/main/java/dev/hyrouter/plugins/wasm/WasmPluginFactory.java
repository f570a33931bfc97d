package dev.hyrouter.plugins.wasm;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginFactory;

/** Registers plugin type {@code wasm} (found through {@link java.util.ServiceLoader}). */
public final class WasmPluginFactory implements PluginFactory {
    @Override
    public PluginConfig.PluginType type() {
        return PluginConfig.PluginType.WASM;
    }

    @Override
    public Plugin create(PluginConfig config) throws WasmPluginException {
        return WasmPlugin.load(config);
    }
}
