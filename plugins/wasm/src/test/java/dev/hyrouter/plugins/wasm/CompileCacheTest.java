package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.types.FunctionBody;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.testing.SharedTimer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wasm.compile_cache}: the first start compiles and stores the module's classes, the next
 * loads them and answers the same; a damaged entry is replaced by compiling again; a directory that
 * cannot be used costs a compile, never the plugin; a module the cache has not seen is validated
 * before it is compiled, one it has is not validated again, and its code is not even parsed when
 * the classes left none of its functions to the interpreter.
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
        Files.write(cache.entry(CompileCache.key(ILL_TYPED)),
                new WasmModuleLoader.Cached("Main", new int[] {0}, Map.of("Main", new byte[0])).write());

        assertThatThrownBy(() -> WasmModuleLoader.load(module, true, cache))
                .isInstanceOf(WasmPluginException.class).hasMessageContaining("must export a memory");
        assertThat(cache.hits()).isEqualTo(1);
    }

    private static boolean everyBodyEmpty(WasmPlugin p) {
        return Arrays.stream(p.loaded().module().codeSection().functionBodies()).allMatch(b -> b.instructions().isEmpty());
    }

    @Test
    void aCachedModuleWhoseFunctionsWereAllCompiledIsLoadedWithoutItsCode() throws Exception {
        WasmPlugin first = load(dir);
        try {
            assertThat(everyBodyEmpty(first)).as("the first start parses the code it compiles").isFalse();
        } finally {
            first.close();
        }
        Path entry = entries(dir).get(0);
        assertThat(WasmModuleLoader.Cached.read(Files.readAllBytes(entry)).interpreted()).as("nothing left to the interpreter").isEmpty();

        WasmPlugin second = load(dir);
        try {
            assertThat(second.loaded().cached()).isTrue();
            FunctionBody[] bodies = second.loaded().module().codeSection().functionBodies();
            assertThat(bodies).as("one body per function, as the instances count them")
                    .hasSize(second.loaded().module().functionSection().functionCount());
            assertThat(everyBodyEmpty(second)).as("the classes carry the code; it is not parsed").isTrue();
            assertAnswersLikeTheCExample(second);
        } finally {
            second.close();
        }
    }

    @Test
    void aCachedModuleWithFunctionsLeftToTheInterpreterIsParsedWhole() throws Exception {
        load(dir).close();
        Path entry = entries(dir).get(0);
        WasmModuleLoader.Cached stored = WasmModuleLoader.Cached.read(Files.readAllBytes(entry));
        Files.write(entry, new WasmModuleLoader.Cached(stored.main(), new int[] {0}, stored.classes()).write());

        WasmPlugin p = load(dir);
        try {
            assertThat(p.loaded().cached()).isTrue();
            assertThat(everyBodyEmpty(p)).as("the interpreter may run a function: its code is parsed").isFalse();
            assertAnswersLikeTheCExample(p);
        } finally {
            p.close();
        }
    }

    @Test
    void anEntryThatClaimsMoreThanItHoldsIsRefusedBeforeAnythingIsAllocated() throws Exception {
        byte[] good = new WasmModuleLoader.Cached("Main", new int[0], Map.of("Main", new byte[] {1, 2, 3})).write();
        // The class's length field (the last 4 bytes before its 3 bytes) claims 2 GB.
        byte[] lying = good.clone();
        java.nio.ByteBuffer.wrap(lying).putInt(lying.length - 7, Integer.MAX_VALUE);
        assertThat(WasmModuleLoader.Cached.read(good).classes().get("Main")).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> WasmModuleLoader.Cached.read(lying)).isInstanceOf(java.io.IOException.class).hasMessage("truncated entry");
    }
}
