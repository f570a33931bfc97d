package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.testing.SharedTimer;
import java.io.ByteArrayInputStream;
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
 * cannot be used costs a compile, never the plugin; a module the cache has not seen is validated
 * before it is compiled, one it has is not validated again.
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

    /** Loads through {@code cache}, checks where the classes came from and that the plugin answers, closes it. */
    private void loadAndCheck(Path cache, boolean fromCache) throws Exception {
        WasmPlugin p = load(cache);
        try {
            assertThat(p.loaded().cached()).isEqualTo(fromCache);
            assertAnswersLikeTheCExample(p);
        } finally {
            p.close();
        }
    }

    private static List<Path> entries(Path cache) throws Exception {
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(f -> f.toString().endsWith(".classes")).toList();
        }
    }

    @Test
    void theSecondStartLoadsWhatTheFirstCompiled() throws Exception {
        loadAndCheck(dir, false);
        List<Path> stored = entries(dir);
        assertThat(stored).hasSize(1);
        // Kept per compiler: another Chicory never reads this entry.
        assertThat(stored.get(0).getParent().getFileName().toString()).isEqualTo("chicory-" + CompileCache.compilerDigest());

        loadAndCheck(dir, true);
        assertThat(entries(dir)).hasSize(1);
    }

    @Test
    void aDamagedEntryIsCompiledAgainAndReplaced() throws Exception {
        load(dir).close();
        Path entry = entries(dir).get(0);
        byte[] damaged = {1, 2, 3, 4, 5, 6, 7, 8};
        Files.write(entry, damaged);

        loadAndCheck(dir, false);
        // Replaced by a usable entry (not byte for byte the first: the compiler's output may differ between runs).
        assertThat(Files.readAllBytes(entry)).isNotEqualTo(damaged);
        loadAndCheck(dir, true);
    }

    @Test
    void aCacheThatCannotBeUsedCostsACompileNotThePlugin() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        loadAndCheck(notADirectory, false);
    }

    /**
     * A module whose structure parses but whose one function returns an i64 where its type says
     * i32: only the validation of the functions' code finds it.
     */
    private static final byte[] ILL_TYPED = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // types: () -> i32
        0x03, 0x02, 0x01, 0x00, // functions: one of type 0
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b, // code: i64.const 0, end
    };

    @Test
    void aModuleTheCacheHasNotSeenIsValidatedBeforeItIsCompiled() throws Exception {
        Path module = Files.write(dir.resolve("ill-typed.wasm"), ILL_TYPED);
        CompileCache cache = CompileCache.open(dir.resolve("cache"));

        assertThatThrownBy(() -> WasmModuleLoader.load(module, true, cache))
                .isInstanceOf(WasmPluginException.class).hasMessageContaining("is not a valid WebAssembly binary");
        assertThat(entries(dir.resolve("cache"))).isEmpty();
    }

    @Test
    void aModuleTheCacheHasAnEntryForIsNotValidatedAgain() throws Exception {
        // The entry stands for the bytes it was compiled from, which passed the validation then; a
        // planted one shows that the functions are not checked again (the next check, the plugin
        // ABI's exports, is what refuses this module).
        Path module = Files.write(dir.resolve("ill-typed.wasm"), ILL_TYPED);
        CompileCache cache = CompileCache.open(dir.resolve("cache"));
        String digest = Parser.builder().withValidation(false).build().parse(() -> new ByteArrayInputStream(ILL_TYPED)).digest();
        Files.write(cache.entry(digest), new byte[] {1});

        assertThatThrownBy(() -> WasmModuleLoader.load(module, true, cache))
                .isInstanceOf(WasmPluginException.class).hasMessageContaining("must export a memory");
        assertThat(cache.hits()).isEqualTo(1);
    }
}
