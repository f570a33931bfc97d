package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.Instance;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@link CompiledSwitches}: a dispatch method of thousands of cases becomes a switch over chunk
 * methods of at most {@value CompiledSwitches#LIMIT} cases, and every key, in a case or not, reaches
 * what it reached before; a method of another shape is left as it was; and a module of 2,000
 * functions (enough for Chicory to put its dispatch and indirect calls in classes of their own)
 * answers through the split classes, compiled and from the compile cache, as Chicory's interpreter does.
 */
class CompiledSwitchesTest {
    @TempDir
    Path dir;

    private static final String OWNER = "test/Dispatch";

    /**
     * {@code static int f(int key, int x)}: {@code x} loaded, then the key, then one switch whose case
     * k returns {@code x + 7k}; cases 500-509 share one block; any other key throws naming it.
     */
    private static byte[] dispatchClass(boolean table, boolean storeFirst) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, OWNER, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "(II)I", null, null);
        mv.visitCode();
        if (storeFirst) {
            mv.visitVarInsn(Opcodes.ILOAD, 1);
            mv.visitVarInsn(Opcodes.ISTORE, 1);
        }
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        int n = 1000;
        Label dflt = new Label();
        Label shared = new Label();
        Label[] labels = new Label[n];
        int[] keys = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = table ? i : 3 * i - 40; // sparse, some negative
            labels[i] = i >= 500 && i < 510 ? shared : new Label();
        }
        if (table) {
            mv.visitTableSwitchInsn(0, n - 1, dflt, labels);
        } else {
            mv.visitLookupSwitchInsn(dflt, keys, labels);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] == shared && i != 500) {
                continue;
            }
            mv.visitLabel(labels[i]);
            mv.visitLdcInsn(7 * keys[i]);
            mv.visitInsn(Opcodes.IADD);
            mv.visitInsn(Opcodes.IRETURN);
        }
        mv.visitLabel(dflt);
        mv.visitInsn(Opcodes.POP);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalArgumentException");
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(I)Ljava/lang/String;", false);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static Method load(byte[] bytes) throws Exception {
        Class<?> c = new ClassLoader(CompiledSwitchesTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(OWNER.replace('/', '.'), bytes, 0, bytes.length);
            }
        }.define();
        return c.getMethod("f", int.class, int.class);
    }

    private static String call(Method f, int key) throws Exception {
        try {
            return String.valueOf(f.invoke(null, key, 1000));
        } catch (InvocationTargetException e) {
            return e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
        }
    }

    /** Each method's name, code size and largest switch. */
    private static Map<String, int[]> methods(byte[] bytes) {
        Map<String, int[]> out = new LinkedHashMap<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                int[] m = new int[2];
                out.put(name, m);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitTableSwitchInsn(int min, int max, Label d, Label... labels) {
                        m[1] = Math.max(m[1], labels.length);
                    }

                    @Override
                    public void visitLookupSwitchInsn(Label d, int[] keys, Label[] labels) {
                        m[1] = Math.max(m[1], labels.length);
                    }
                };
            }
        }, 0);
        // Code sizes through a second read: ASM reports them only as offsets of labels; the class's own
        // Code attribute lengths are what HotSpot's 8,000-byte limit reads.
        ClassReader r = new ClassReader(bytes);
        for (Map.Entry<String, int[]> e : out.entrySet()) {
            e.getValue()[0] = codeLength(r, e.getKey());
        }
        return out;
    }

    private static int codeLength(ClassReader r, String method) {
        int[] len = {0};
        r.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                if (!name.equals(method)) {
                    return null;
                }
                ClassWriter one = new ClassWriter(0);
                one.visit(Opcodes.V11, 0, "x", null, "java/lang/Object", null);
                return new MethodVisitor(Opcodes.ASM9, one.visitMethod(access, name, desc, sig, ex)) {
                    private final Label end = new Label();

                    @Override
                    public void visitMaxs(int stack, int locals) {
                        super.visitLabel(end);
                        len[0] = end.getOffset();
                        super.visitMaxs(stack, locals);
                    }
                };
            }
        }, ClassReader.SKIP_FRAMES);
        return len[0];
    }

    private static List<Integer> probes() {
        List<Integer> keys = new ArrayList<>();
        for (int k = -300; k <= 3100; k++) {
            keys.add(k);
        }
        keys.addAll(List.of(Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE, Integer.MAX_VALUE - 127, -41));
        return keys;
    }

    private void assertSplitAndSame(boolean table) throws Exception {
        byte[] before = dispatchClass(table, false);
        byte[] after = CompiledSwitches.split(before);

        Map<String, int[]> methods = methods(after);
        assertThat(methods).hasSizeGreaterThan(2);
        assertThat(methods(before).get("f")[1]).isEqualTo(1000);
        for (Map.Entry<String, int[]> m : methods.entrySet()) {
            assertThat(m.getValue()[1]).as("largest switch of %s", m.getKey()).isLessThanOrEqualTo(CompiledSwitches.LIMIT);
            assertThat(m.getValue()[0]).as("code bytes of %s", m.getKey()).isLessThan(8000);
        }

        Method original = load(before);
        Method split = load(after);
        for (int key : probes()) {
            assertThat(call(split, key)).as("key %d", key).isEqualTo(call(original, key));
        }
    }

    @Test
    void aTableSwitchOfAThousandCasesIsSplitAndEveryKeyAnswersAsBefore() throws Exception {
        assertSplitAndSame(true);
    }

    @Test
    void aSparseLookupSwitchIsSplitAndEveryKeyAnswersAsBefore() throws Exception {
        assertSplitAndSame(false);
    }

    @Test
    void aMethodOfAnotherShapeIsLeftAsItWas() {
        byte[] before = dispatchClass(true, true);
        assertThat(CompiledSwitches.split(before)).isSameAs(before);
    }

    // A module of N functions () -> i32 (function k returns k), all in a table, and "pick(i)":
    // call_indirect of table entry i. Its compiled dispatch and indirect-call methods each have a
    // switch of N cases.
    private static final int FUNCTIONS = 2000;

    private static void leb(ByteArrayOutputStream out, long v, boolean signed) {
        while (true) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            boolean done = signed ? (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0) : v == 0;
            out.write(done ? b : b | 0x80);
            if (done) {
                return;
            }
        }
    }

    private static void section(ByteArrayOutputStream module, int id, ByteArrayOutputStream payload) {
        module.write(id);
        leb(module, payload.size(), false);
        module.writeBytes(payload.toByteArray());
    }

    private static void name(ByteArrayOutputStream out, String s) {
        leb(out, s.length(), false);
        out.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] manyFunctions() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        ByteArrayOutputStream types = new ByteArrayOutputStream();
        types.writeBytes(new byte[] {3, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 1, 0x7e});
        section(m, 1, types);
        ByteArrayOutputStream funcs = new ByteArrayOutputStream();
        leb(funcs, FUNCTIONS + 3, false);
        for (int i = 0; i < FUNCTIONS; i++) {
            funcs.write(0);
        }
        funcs.writeBytes(new byte[] {1, 1, 2}); // pick, alloc, on_connect
        section(m, 3, funcs);
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        table.writeBytes(new byte[] {1, 0x70, 0});
        leb(table, FUNCTIONS, false);
        section(m, 4, table);
        ByteArrayOutputStream memory = new ByteArrayOutputStream();
        memory.writeBytes(new byte[] {1, 0, 1});
        section(m, 5, memory);
        ByteArrayOutputStream exports = new ByteArrayOutputStream();
        leb(exports, 4, false);
        name(exports, "memory");
        exports.writeBytes(new byte[] {2, 0});
        for (String[] e : new String[][] {{"pick", "0"}, {"alloc", "1"}, {"on_connect", "2"}}) {
            name(exports, e[0]);
            exports.write(0);
            leb(exports, FUNCTIONS + Integer.parseInt(e[1]), false);
        }
        section(m, 7, exports);
        ByteArrayOutputStream elements = new ByteArrayOutputStream();
        elements.writeBytes(new byte[] {1, 0, 0x41, 0, 0x0b});
        leb(elements, FUNCTIONS, false);
        for (int i = 0; i < FUNCTIONS; i++) {
            leb(elements, i, false);
        }
        section(m, 9, elements);
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        leb(code, FUNCTIONS + 3, false);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < FUNCTIONS; i++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(new byte[] {0, 0x41});
            leb(b, i, true);
            b.write(0x0b);
            bodies.add(b.toByteArray());
        }
        bodies.add(new byte[] {0, 0x20, 0, 0x11, 0, 0, 0x0b}); // pick: call_indirect (type 0) of table entry i
        bodies.add(new byte[] {0, 0x20, 0, 0x0b}); // alloc
        bodies.add(new byte[] {0, 0x42, 0, 0x0b}); // on_connect
        for (byte[] b : bodies) {
            leb(code, b.length, false);
            code.writeBytes(b);
        }
        section(m, 10, code);
        return m.toByteArray();
    }

    private static String pick(Instance instance, int i) {
        try {
            return String.valueOf(instance.export("pick").apply(i)[0]);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @Test
    void aModuleOfTwoThousandFunctionsAnswersThroughTheSplitClassesAsTheInterpreterDoes() throws Exception {
        Path module = dir.resolve("many.wasm");
        Files.write(module, manyFunctions());
        Path cacheDir = dir.resolve("cache");
        WasmModuleLoader.Loaded compiled = WasmModuleLoader.load(module, true, CompileCache.open(cacheDir));
        WasmModuleLoader.Loaded fromCache = WasmModuleLoader.load(module, true, CompileCache.open(cacheDir));
        WasmModuleLoader.Loaded interpreted = WasmModuleLoader.load(module, false);
        assertThat(fromCache.cached()).isTrue();

        // What the cache keeps is what ran: no switch over the limit, and the split methods there.
        Path entry;
        try (Stream<Path> s = Files.walk(cacheDir)) {
            entry = s.filter(f -> f.toString().endsWith(".classes")).findFirst().orElseThrow();
        }
        WasmModuleLoader.Cached classes = WasmModuleLoader.Cached.read(Files.readAllBytes(entry));
        int chunkMethods = 0;
        for (Map.Entry<String, byte[]> c : classes.classes().entrySet()) {
            for (Map.Entry<String, int[]> m : methods(c.getValue()).entrySet()) {
                assertThat(m.getValue()[1]).as("largest switch of %s.%s", c.getKey(), m.getKey()).isLessThanOrEqualTo(CompiledSwitches.LIMIT);
                chunkMethods += m.getKey().contains("$chunk") ? 1 : 0;
            }
        }
        assertThat(chunkMethods).as("chunk methods in the stored classes").isGreaterThanOrEqualTo(2 * (FUNCTIONS / CompiledSwitches.CHUNK));

        Instance reference = Instance.builder(interpreted.module()).withMachineFactory(interpreted.machines()).build();
        for (WasmModuleLoader.Loaded l : List.of(compiled, fromCache)) {
            Instance instance = Instance.builder(l.module()).withMachineFactory(l.machines()).build();
            for (int i = -3; i < FUNCTIONS + 3; i++) {
                assertThat(pick(instance, i)).as("pick(%d)", i).isEqualTo(pick(reference, i));
            }
            assertThat(pick(instance, FUNCTIONS - 1)).isEqualTo(String.valueOf(FUNCTIONS - 1));
        }
    }
}
