package dev.hyrouter.plugins.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.ClassCollector;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.CompilerResult;
import com.dylibso.chicory.compiler.internal.MachineFactory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
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
        // With a compile cache, the entry is looked up before the module is parsed: an entry exists
        // only for bytes that passed Chicory's validator and compiler (its directory is named after
        // both), so a module found there is not validated again, and when every function of it was
        // compiled (none left to the interpreter) its code section is not parsed at all: the classes
        // carry the code. Parsing and validating a Go-sized module's 24,000 functions, and the
        // collections their parsed instructions caused, were most of a cached start
        // (perf-reports/loadtest/2026-12-05-warm-start.md, sessions 24 and 25).
        String key = compile && cache != null ? CompileCache.key(bytes) : null;
        Cached entry = null;
        if (key != null) {
            byte[] stored = cache.get(key);
            if (stored != null) {
                try {
                    entry = Cached.read(stored);
                } catch (IOException e) {
                    throw new WasmPluginException("module " + path + " could not be compiled to JVM bytecode: the cached classes are unreadable ("
                            + e.getMessage() + ")");
                }
            }
        }
        WasmModule module = entry == null ? parse(path, bytes, true)
                : entry.interpreted().length == 0 ? parseWithoutCode(path, bytes, key) : parse(path, bytes, false);
        requireExport(module, path, "memory", ExternalType.MEMORY, null);
        requireExport(module, path, "alloc", ExternalType.FUNCTION, List.of(List.of(ValType.I32), List.of(ValType.I32)));
        requireExport(module, path, "on_connect", ExternalType.FUNCTION,
                List.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64)));
        boolean reactor = findExport(module, "_initialize") != null;
        Function<Instance, Machine> machines;
        if (compile) {
            try {
                machines = compile(module, cache, key, entry);
            } catch (RuntimeException | LinkageError e) {
                // LinkageError: cached classes that do not define (damaged, or another build's).
                throw new WasmPluginException("module " + path + " could not be compiled to JVM bytecode: " + e.getMessage());
            }
        } else {
            machines = InterpreterMachine::new;
        }
        return new Loaded(module, machines, reactor, compile, (System.nanoTime() - start) / 1_000_000, size, cache, entry != null);
    }

    /** {@code validate} false checks the module's structure only, not its functions' code. */
    private static WasmModule parse(Path path, byte[] bytes, boolean validate) throws WasmPluginException {
        try {
            return Parser.builder().withValidation(validate).build().parse(() -> new ByteArrayInputStream(bytes));
        } catch (Exception e) {
            throw new WasmPluginException("module " + path + " is not a valid WebAssembly binary: " + e.getMessage());
        }
    }

    /** Section ids of the WebAssembly binary format: 0 (custom) to 13 (tag); 10 is the code section. */
    private static final int CODE_SECTION = 10;
    private static final int LAST_SECTION = 13;

    /**
     * The module without its functions' code, for classes that need none of it: each function gets
     * the same empty body (the interpreter, which would read one, runs none of this module's
     * functions), so the module still has one body per function, as Chicory's instances count them.
     */
    private static WasmModule parseWithoutCode(Path path, byte[] bytes, String digest) throws WasmPluginException {
        Parser.Builder parser = Parser.builder().withValidation(false);
        for (int id = 0; id <= LAST_SECTION; id++) {
            if (id != CODE_SECTION) {
                parser.includeSectionId(id);
            }
        }
        WasmModule.Builder module = WasmModule.builder().withValidation(false).withDigest(digest);
        try {
            parser.build().parse(new ByteArrayInputStream(bytes), section -> {
                if (section instanceof CustomSection c) {
                    module.addCustomSection(c.name(), c);
                } else if (section instanceof TypeSection t) {
                    module.setTypeSection(t);
                } else if (section instanceof ImportSection i) {
                    module.setImportSection(i);
                } else if (section instanceof FunctionSection f) {
                    module.setFunctionSection(f);
                    FunctionBody none = new FunctionBody(List.of(), List.of());
                    CodeSection.Builder code = CodeSection.builder();
                    for (int n = 0; n < f.functionCount(); n++) {
                        code.addFunctionBody(none);
                    }
                    module.setCodeSection(code.build());
                } else if (section instanceof TableSection t) {
                    module.setTableSection(t);
                } else if (section instanceof MemorySection m) {
                    module.setMemorySection(m);
                } else if (section instanceof GlobalSection g) {
                    module.setGlobalSection(g);
                } else if (section instanceof ExportSection e) {
                    module.setExportSection(e);
                } else if (section instanceof StartSection st) {
                    module.setStartSection(st);
                } else if (section instanceof ElementSection e) {
                    module.setElementSection(e);
                } else if (section instanceof DataSection d) {
                    module.setDataSection(d);
                } else if (section instanceof DataCountSection d) {
                    module.setDataCountSection(d);
                } else if (section instanceof TagSection t) {
                    module.setTagSection(t);
                } else {
                    module.addIgnoredSection(section.sectionId());
                }
            });
            return module.build();
        } catch (Exception e) {
            throw new WasmPluginException("module " + path + " is not a valid WebAssembly binary: " + e.getMessage());
        }
    }

    /** A compile-cache entry: the main class, the functions the classes leave to the interpreter, every class by name. */
    record Cached(String main, int[] interpreted, Map<String, byte[]> classes) {
        static Cached read(byte[] entry) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
                if (in.readInt() != ENTRY_MAGIC) {
                    throw new IOException("not an entry of this router");
                }
                String main = in.readUTF();
                int count = in.readInt();
                if (count < 0 || count > in.available() / 4) {
                    throw new IOException("truncated entry");
                }
                int[] interpreted = new int[count];
                for (int i = 0; i < interpreted.length; i++) {
                    interpreted[i] = in.readInt();
                }
                int n = in.readInt();
                Map<String, byte[]> classes = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String name = in.readUTF();
                    // One array per class, filled in place (readNBytes collects chunks and copies them: twice the 7.6 MB of a Go-sized module's classes).
                    int length = in.readInt();
                    if (length < 0 || length > in.available()) {
                        throw new IOException("truncated entry");
                    }
                    byte[] b = new byte[length];
                    in.readFully(b);
                    classes.put(name, b);
                }
                if (in.read() != -1 || !classes.containsKey(main)) {
                    throw new IOException("malformed entry");
                }
                return new Cached(main, interpreted, classes);
            } catch (java.io.EOFException e) {
                throw new IOException("truncated entry", e);
            }
        }

        byte[] write() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(ENTRY_MAGIC);
                out.writeUTF(main);
                out.writeInt(interpreted.length);
                for (int f : interpreted) {
                    out.writeInt(f);
                }
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
    }

    /** {@code entry}: the cache's classes for this module, {@code null} to compile (and keep them under {@code key} when {@code cache} is set). */
    private static Function<Instance, Machine> compile(WasmModule module, CompileCache cache, String key, Cached entry) {
        if (entry == null) {
            CompilerResult result = Compiler.builder(module).withInterpreterFallback(InterpreterFallback.WARN)
                    .withClassCollectorFactory(ByteClassCollector::new).build().compile();
            ClassCollector compiled = result.collector();
            entry = new Cached(compiled.mainClassName(), result.interpretedFunctions().stream().mapToInt(Integer::intValue).sorted().toArray(),
                    CompiledSwitches.split(CompiledDeadlines.rewrite(compiled.classBytes())));
            if (key != null) {
                cache.putIfAbsent(key, entry.write());
            }
        }
        ClassLoadingCollector loaded = new ClassLoadingCollector();
        for (Map.Entry<String, byte[]> c : entry.classes().entrySet()) {
            if (c.getKey().equals(entry.main())) {
                loaded.putMainClass(c.getKey(), c.getValue());
            } else {
                loaded.put(c.getKey(), c.getValue());
            }
        }
        return new MachineFactory(module, loaded.machineFactory());
    }

    /** "HRW3": a compile-cache entry of ours (the main class's name, the interpreted functions, then every class by name). */
    private static final int ENTRY_MAGIC = 0x48525733;

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
