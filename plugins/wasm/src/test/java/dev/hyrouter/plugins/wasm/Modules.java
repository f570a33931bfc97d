package dev.hyrouter.plugins.wasm;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The WASM modules the build compiled from plugins/examples and src/test/wat. */
final class Modules {
    private Modules() {
    }

    static Path path(String name) {
        String dir = System.getProperty("hyrouter.wasm.dir");
        if (dir == null) {
            throw new IllegalStateException("hyrouter.wasm.dir is not set: run the tests through Maven, which builds the modules");
        }
        Path p = Path.of(dir, name + ".wasm");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " was not built (plugins/examples/build.sh needs wat2wasm and clang)");
        }
        return p;
    }

    static PluginConfig.WasmSettings settings(String module) {
        return PluginConfig.WasmSettings.of(path(module).toString());
    }

    static PluginConfig config(String name, PluginConfig.WasmSettings s) {
        return new PluginConfig(name, PluginConfig.PluginType.WASM, PluginStage.ROUTE, List.of(), List.of(), Duration.ofSeconds(1), null, s, 1);
    }

    static PluginConfig.WasmSettings with(PluginConfig.WasmSettings s, int pool, long maxMemory, int maxCalls, int queue, boolean compile) {
        return new PluginConfig.WasmSettings(s.path(), pool, maxMemory, maxCalls, s.maxResponseBytes(), queue, compile, Map.of(), List.of());
    }
}
