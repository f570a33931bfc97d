package dev.hyrouter.plugins.wasm;

import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Points the interruption checks of Chicory's compiled classes at {@link WasmDeadline#check()}.
 * Chicory emits {@code invokestatic <module>Shaded.checkInterruption()V} at every loop back-edge
 * and call, and that method only reads the thread's interrupt flag; the rewritten call also reads
 * the calling thread's deadline. The replacement has the same descriptor, so stack sizes and
 * frames stay valid and nothing else in the classes changes.
 */
final class CompiledDeadlines {
    private static final String CHECK_NAME = "checkInterruption";
    private static final String CHECK_DESC = "()V";
    private static final String TARGET = Type.getInternalName(WasmDeadline.class);

    private CompiledDeadlines() {
    }

    /** The classes, in the same order, with every interruption check rewritten. */
    static Map<String, byte[]> rewrite(Map<String, byte[]> classes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            ClassReader reader = new ClassReader(e.getValue());
            ClassWriter writer = new ClassWriter(reader, 0);
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, signature, exceptions)) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String mdesc, boolean itf) {
                            if (opcode == Opcodes.INVOKESTATIC && CHECK_NAME.equals(method) && CHECK_DESC.equals(mdesc)
                                    && !TARGET.equals(owner)) {
                                super.visitMethodInsn(opcode, TARGET, "check", CHECK_DESC, false);
                            } else {
                                super.visitMethodInsn(opcode, owner, method, mdesc, itf);
                            }
                        }
                    };
                }
            }, 0);
            out.put(e.getKey(), writer.toByteArray());
        }
        return out;
    }
}
