package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.testing.SharedTimer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wasm.compile_cache}: the first start compiles and stores the module's classes, the next
 * loads them and answers the same; a damaged entry is replaced by compiling again; a directory that
 * cannot be used costs a compile, never the plugin.
 */
class CompileCacheTest {
    @RegisterExtension
    static final SharedTimer TIMER = new SharedTimer();

    @TempDir
    Path dir;

    private static void assertAnswersLikeTheCExample(Plugin p) throws Exception {
        assertThat(p.onConnect(WasmPluginTest.request("deny")).toCompletableFuture().get(10, TimeUnit.SECONDS).denyReason())
                .isEqualTo("denied by wasm plugin");
        ConnectResponse ok = p.onConnect(WasmPluginTest.request("alex")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(ok.backend()).isEqualTo(new Backend("play.hyvane.com", 5520));
    }

    private WasmPlugin load(Path cache) throws Exception {
        return WasmPlugin.load(Modules.config("c", Modules.settings("c-plugin").withPoolSize(1).withCompileCache(cache.toString())));
    }

    private static List<Path> entries(Path cache) throws Exception {
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(f -> f.toString().endsWith(".classes")).toList();
        }
    }

    @Test
    void theSecondStartLoadsWhatTheFirstCompiled() throws Exception {
        WasmPlugin first = load(dir);
        try {
            assertThat(first.loaded().cached()).isFalse();
            assertAnswersLikeTheCExample(first);
        } finally {
            first.close();
        }
        List<Path> stored = entries(dir);
        assertThat(stored).hasSize(1);
        // Kept per compiler: another Chicory never reads this entry.
        assertThat(stored.get(0).getParent().getFileName().toString()).isEqualTo("chicory-" + CompileCache.compilerDigest());

        WasmPlugin second = load(dir);
        try {
            assertThat(second.loaded().cached()).isTrue();
            assertAnswersLikeTheCExample(second);
        } finally {
            second.close();
        }
        assertThat(entries(dir)).hasSize(1);
    }

    @Test
    void aDamagedEntryIsCompiledAgainAndReplaced() throws Exception {
        load(dir).close();
        Path entry = entries(dir).get(0);
        byte[] damaged = {1, 2, 3, 4, 5, 6, 7, 8};
        Files.write(entry, damaged);

        WasmPlugin p = load(dir);
        try {
            assertThat(p.loaded().cached()).isFalse();
            assertAnswersLikeTheCExample(p);
        } finally {
            p.close();
        }
        // Replaced by a usable entry (not byte for byte the first: the compiler's output may differ between runs).
        assertThat(Files.readAllBytes(entry)).isNotEqualTo(damaged);
        WasmPlugin again = load(dir);
        try {
            assertThat(again.loaded().cached()).isTrue();
            assertAnswersLikeTheCExample(again);
        } finally {
            again.close();
        }
    }

    @Test
    void aCacheThatCannotBeUsedCostsACompileNotThePlugin() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        WasmPlugin p = load(notADirectory);
        try {
            assertThat(p.loaded().cached()).isFalse();
            assertAnswersLikeTheCExample(p);
        } finally {
            p.close();
        }
    }
}
