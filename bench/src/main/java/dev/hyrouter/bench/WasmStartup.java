package dev.hyrouter.bench;

import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.PluginStage;
import dev.hyrouter.plugins.wasm.WasmPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Start-up cost of a large plugin module: generates a module of about the size of a Go-built
 * plugin (1.7 MB, thousands of functions) with {@code wat2wasm}, then loads it as the router
 * does (parse, ABI check, compile to JVM bytecode, instantiate one instance per pool slot) and
 * prints the time. A module path may be given instead of generating one.
 *
 * <pre>java -cp bench/target/benchmarks.jar --add-exports java.base/jdk.internal.misc=ALL-UNNAMED dev.hyrouter.bench.WasmStartup [module.wasm] [--cache DIR]</pre>
 *
 * <p>With {@code --write PATH} it only writes the generated module there.
 *
 * <p>With {@code --cache DIR} it loads once, compiled, through {@code wasm.compile_cache: DIR}: the
 * first process compiles and stores, the next loads what it stored. With {@code --instances N} it
 * prints the heap the loaded module and N instances hold (used heap after full GCs, before and after).
 */
public final class WasmStartup {
    private WasmStartup() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of(args));
        String cache = null;
        int at = a.indexOf("--cache");
        if (at >= 0) {
            cache = a.get(at + 1);
            a.remove(at + 1);
            a.remove(at);
        }
        at = a.indexOf("--write");
        if (at >= 0) {
            // Only writes the generated module (for loadtest/run.sh warmup's "large" variant).
            Path out = Path.of(a.get(at + 1));
            Files.copy(generate(24_000), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.out.printf("module %s: %d KiB%n", out, Files.size(out) / 1024);
            return;
        }
        int instances = 2;
        at = a.indexOf("--instances");
        if (at >= 0) {
            instances = Integer.parseInt(a.get(at + 1));
            a.remove(at + 1);
            a.remove(at);
        }
        Path module = !a.isEmpty() ? Path.of(a.get(0)) : generate(24_000);
        System.out.printf("module %s: %d KiB%n", module, Files.size(module) / 1024);
        if (instances != 2) {
            // Heap held by the loaded module and its instances: used heap after a full GC, before and after.
            long before = heapAfterGc();
            WasmPlugin p = WasmPlugin.load(config(module, true, "", instances));
            long after = heapAfterGc();
            System.out.printf("compiled, %d instance(s): heap held %.1f MiB%n", instances, (after - before) / 1048576.0);
            p.close();
            return;
        }
        if (cache != null) {
            // One load per process, so that every figure is a cold start: run it twice with the same directory.
            long start = System.nanoTime();
            WasmPlugin p = WasmPlugin.load(config(module, true, cache));
            System.out.printf("compiled, wasm.compile_cache %s: ready (2 instances) in %d ms (see the log line: compiled or loaded from the cache)%n",
                    cache, (System.nanoTime() - start) / 1_000_000);
            p.close();
            return;
        }
        for (boolean compile : new boolean[] {true, false}) {
            long start = System.nanoTime();
            WasmPlugin p = WasmPlugin.load(config(module, compile, ""));
            System.out.printf("%s: ready (2 instances) in %d ms%n", compile ? "compiled" : "interpreted", (System.nanoTime() - start) / 1_000_000);
            p.close();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static PluginConfig config(Path module, boolean compile, String cache) {
        return config(module, compile, cache, 2);
    }

    private static PluginConfig config(Path module, boolean compile, String cache, int instances) {
        PluginConfig.WasmSettings s = PluginConfig.WasmSettings.of(module.toString());
        s = new PluginConfig.WasmSettings(s.path(), instances, s.maxMemoryBytes(), 0, s.maxResponseBytes(), 64, compile, s.env(), s.args(),
                s.worker(), cache);
        return new PluginConfig("large", PluginConfig.PluginType.WASM, PluginStage.ROUTE, List.of(), List.of(), Duration.ofSeconds(1), null, s, 1);
    }

    /** A module with the plugin ABI and {@code functions} filler functions of arithmetic and branches. */
    static Path generate(int functions) throws IOException, InterruptedException {
        StringBuilder w = new StringBuilder("(module\n  (memory (export \"memory\") 2)\n  (data (i32.const 16) \"{}\")\n");
        w.append("  (func (export \"alloc\") (param i32) (result i32) (i32.const 65536))\n");
        w.append("  (func (export \"on_connect\") (param i32 i32) (result i64) (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 2)))\n");
        for (int i = 0; i < functions; i++) {
            w.append("  (func $f").append(i).append(" (export \"f").append(i).append("\") (param $a i32) (param $b i32) (result i32)\n")
                    .append("    (local $i i32) (local $acc i32)\n")
                    .append("    (local.set $acc (i32.add (local.get $a) (i32.const ").append(i).append(")))\n")
                    .append("    (block $done (loop $l\n")
                    .append("      (br_if $done (i32.ge_u (local.get $i) (local.get $b)))\n")
                    .append("      (local.set $acc (i32.xor (i32.mul (local.get $acc) (i32.const 31)) (i32.shr_u (local.get $acc) (i32.const 7))))\n")
                    .append("      (if (i32.and (local.get $acc) (i32.const 1)) (then (local.set $acc (i32.add (local.get $acc) (i32.const 17)))))\n")
                    .append("      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n")
                    .append("      (br $l)))\n")
                    .append("    (local.get $acc))\n");
        }
        w.append(")\n");
        Path wat = Files.createTempFile("large-plugin", ".wat");
        Path wasm = Files.createTempFile("large-plugin", ".wasm");
        Files.writeString(wat, w);
        Process p = new ProcessBuilder("wat2wasm", wat.toString(), "-o", wasm.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("wat2wasm failed");
        }
        return wasm;
    }
}
