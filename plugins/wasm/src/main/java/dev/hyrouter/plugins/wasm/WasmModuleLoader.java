package dev.hyrouter.plugins.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.ClassCollector;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.MachineFactory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses a plugin module, checks the plugin ABI (exports {@code memory}, {@code alloc(i32) -> i32},
 * {@code on_connect(i32, i32) -> i64}) and compiles it once to JVM bytecode; every instance then
 * shares the compiled machine. Functions the compiler cannot take run in the interpreter (the
 * compiler logs which).
 */
final class WasmModuleLoader {
    private WasmModuleLoader() {
    }

    /**
     * A parsed, checked and compiled module; {@code cache} is the compile cache it went through
     * (null: none), {@code cached} whether its classes came from there.
     */
    record Loaded(WasmModule module, Function<Instance, Machine> machines, boolean reactor, boolean compiled, long loadMillis,
            long sizeBytes, CompileCache cache, boolean cached) {
    }

    static Loaded load(Path path, boolean compile) throws WasmPluginException {
        return load(path, compile, null);
    }

    /** As {@link #load(Path, boolean)}, through {@code cache} when it is not null. */
    static Loaded load(Path path, boolean compile, CompileCache cache) throws WasmPluginException {
        long start = System.nanoTime();
        if (!Files.isRegularFile(path)) {
            throw new WasmPluginException("module " + path + " does not exist or is not a file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new WasmPluginException("module " + path + " cannot be read: " + e.getMessage());
        }
        long size = bytes.length;
        // With a compile cache, the functions' validation waits for the cache's answer: an entry
        // exists only for bytes that passed it under this Chicory (the entry's directory is named
        // after its compiler and validator), and validating a Go-sized module again was a fifth of
        // the main thread's work in a cached start (perf-reports/loadtest/2026-12-05-warm-start.md, session 24).
        boolean trustCache = compile && cache != null;
        WasmModule module = parse(path, bytes, !trustCache);
        byte[] entry = trustCache ? cache.get(module.digest()) : null;
        if (trustCache && entry == null) {
            module = parse(path, bytes, true);
        }
        requireExport(module, path, "memory", ExternalType.MEMORY, null);
        requireExport(module, path, "alloc", ExternalType.FUNCTION, List.of(List.of(ValType.I32), List.of(ValType.I32)));
        requireExport(module, path, "on_connect", ExternalType.FUNCTION,
                List.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64)));
        boolean reactor = findExport(module, "_initialize") != null;
        Function<Instance, Machine> machines;
        boolean cached = false;
        if (compile) {
            try {
                machines = compile(module, cache, entry);
            } catch (RuntimeException | LinkageError e) {
                // LinkageError: cached classes that do not define (damaged, or another build's).
                throw new WasmPluginException("module " + path + " could not be compiled to JVM bytecode: " + e.getMessage());
            }
            cached = entry != null;
        } else {
            machines = InterpreterMachine::new;
        }
        return new Loaded(module, machines, reactor, compile, (System.nanoTime() - start) / 1_000_000, size, cache, cached);
    }

    /** {@code validate} false checks the module's structure only, not its functions' code. */
    private static WasmModule parse(Path path, byte[] bytes, boolean validate) throws WasmPluginException {
        try {
            return Parser.builder().withValidation(validate).build().parse(() -> new ByteArrayInputStream(bytes));
        } catch (Exception e) {
            throw new WasmPluginException("module " + path + " is not a valid WebAssembly binary: " + e.getMessage());
        }
    }

    /** {@code entry}: the cache's classes for this module, {@code null} to compile (and keep them when {@code cache} is set). */
    private static Function<Instance, Machine> compile(WasmModule module, CompileCache cache, byte[] entry) {
        String key = cache == null ? null : module.digest();
        String main;
        Map<String, byte[]> classes;
        if (entry != null) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
                if (in.readInt() != ENTRY_MAGIC) {
                    throw new IOException("not an entry of this router");
                }
                main = in.readUTF();
                int n = in.readInt();
                classes = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String name = in.readUTF();
                    classes.put(name, in.readNBytes(in.readInt()));
                }
                if (in.read() != -1 || !classes.containsKey(main)) {
                    throw new IOException("malformed entry");
                }
            } catch (IOException e) {
                throw new IllegalStateException("the cached classes are unreadable (" + e.getMessage() + ")", e);
            }
        } else {
            ClassCollector compiled = Compiler.builder(module).withInterpreterFallback(InterpreterFallback.WARN)
                    .withClassCollectorFactory(ByteClassCollector::new).build().compile().collector();
            main = compiled.mainClassName();
            classes = CompiledDeadlines.rewrite(compiled.classBytes());
            if (key != null) {
                cache.putIfAbsent(key, entry(main, classes));
            }
        }
        ClassLoadingCollector loaded = new ClassLoadingCollector();
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            if (c.getKey().equals(main)) {
                loaded.putMainClass(c.getKey(), c.getValue());
            } else {
                loaded.put(c.getKey(), c.getValue());
            }
        }
        return new MachineFactory(module, loaded.machineFactory());
    }

    /** "HRWC": a compile-cache entry of ours (the main class's name, then every class by name). */
    private static final int ENTRY_MAGIC = 0x48525743;

    private static byte[] entry(String main, Map<String, byte[]> classes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(ENTRY_MAGIC);
            out.writeUTF(main);
            out.writeInt(classes.size());
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.writeUTF(c.getKey());
                out.writeInt(c.getValue().length);
                out.write(c.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    private static Export findExport(WasmModule module, String name) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export e = exports.getExport(i);
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static void requireExport(WasmModule module, Path path, String name, ExternalType type, List<List<ValType>> signature)
            throws WasmPluginException {
        Export e = findExport(module, name);
        if (e == null || e.exportType() != type) {
            throw new WasmPluginException("module " + path + " must export " + (type == ExternalType.MEMORY ? "a memory" : "a function")
                    + " named \"" + name + "\" (plugin ABI: memory, alloc(i32) -> i32, on_connect(i32, i32) -> i64)");
        }
        if (signature != null) {
            FunctionType ft = functionType(module, e.index());
            if (!ft.params().equals(signature.get(0)) || !ft.returns().equals(signature.get(1))) {
                throw new WasmPluginException("module " + path + ": export \"" + name + "\" has type " + ft
                        + ", expected params " + signature.get(0) + " returns " + signature.get(1));
            }
        }
    }

    private static FunctionType functionType(WasmModule module, int funcIndex) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (funcIndex < imported) {
            var imp = (com.dylibso.chicory.wasm.types.FunctionImport) module.importSection().stream()
                    .filter(i -> i.importType() == ExternalType.FUNCTION).skip(funcIndex).findFirst().orElseThrow();
            return module.typeSection().getType(imp.typeIndex());
        }
        return module.functionSection().getFunctionType(funcIndex - imported, module.typeSection());
    }
}
