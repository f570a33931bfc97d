package dev.hyrouter.plugins.wasm;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The committed WASM modules: the examples ({@code plugins/examples/NAME/plugin.wasm}) and the
 * runtime's test modules ({@code src/test/wat/NAME.wasm}), each beside its source
 * ({@code plugins/build-wasm.sh --check} proves they rebuild byte for byte).
 */
final class Modules {
    private Modules() {
    }

    static Path path(String name) {
        Path examples = Path.of(property("hyrouter.wasm.examples"));
        Path p = Files.isDirectory(examples.resolve(name))
                ? examples.resolve(name).resolve("plugin.wasm")
                : Path.of(property("hyrouter.wasm.testdir"), name + ".wasm");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: it is committed beside its source; plugins/build-wasm.sh rebuilds it");
        }
        return p;
    }

    private static String property(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            throw new IllegalStateException(key + " is not set: run the tests through Maven, which points it at the committed modules");
        }
        return value;
    }

    static PluginConfig.WasmSettings settings(String module) {
        return PluginConfig.WasmSettings.of(path(module).toString());
    }

    static PluginConfig config(String name, PluginConfig.WasmSettings s) {
        return config(name, s, Duration.ofSeconds(1));
    }

    static PluginConfig config(String name, PluginConfig.WasmSettings s, Duration timeout) {
        return new PluginConfig(name, PluginConfig.PluginType.WASM, PluginStage.ROUTE, List.of(), List.of(), timeout, null, s, 1);
    }
}
