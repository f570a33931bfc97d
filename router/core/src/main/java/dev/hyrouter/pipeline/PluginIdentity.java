package dev.hyrouter.pipeline;

import dev.hyrouter.config.PluginConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What makes two configured plugins the same instance across a reload: name, runtime, runtime
 * settings, and for WASM the module file as it is on disk (a rebuilt module is loaded again).
 * Stage, ordering and the call timeout are the chain's business and may change freely.
 */
record PluginIdentity(String name, PluginConfig.PluginType type, PluginConfig.GrpcSettings grpc, PluginConfig.WasmSettings wasm,
        String moduleStamp) {
    static PluginIdentity of(PluginConfig pc) {
        String stamp = "";
        if (pc.wasm() != null) {
            try {
                BasicFileAttributes a = Files.readAttributes(Path.of(pc.wasm().path()), BasicFileAttributes.class);
                stamp = a.size() + "@" + a.lastModifiedTime().toMillis();
            } catch (IOException | RuntimeException e) {
                stamp = "unreadable";
            }
        }
        return new PluginIdentity(pc.name(), pc.type(), pc.grpc(), pc.wasm(), stamp);
    }
}
