package dev.hyrouter.plugins.wasm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Splits the one-switch dispatch methods of Chicory's compiled classes into a switch over chunks,
 * each chunk a method of its own with at most {@value #CHUNK} cases.
 *
 * <p>Chicory dispatches a call by function index ({@code call_dispatch_N}) and an indirect call by
 * table entry ({@code Indirect_T_N.apply}) through one switch of up to 4,096 cases, each case a
 * call and a return. Two costs follow from the size: HotSpot's verifier finds the stack map frame
 * of every switch target by a linear search over the method's frames, so a switch of n cases costs
 * n² / 2 steps to verify, at every start, even from the compile cache (the largest item of the
 * verifier's in a Go-sized module's start: perf-reports/loadtest/2026-12-05-warm-start.md, session
 * 27); and a method of more than 8,000 bytes of bytecode is never compiled by the JIT
 * ({@code DontCompileHugeMethods}), so every call through such a switch ran in the interpreter.
 * After the split each of these methods has a few hundred frames at most and stays under the JIT's
 * size limit.
 *
 * <p>Only a method of exactly that shape is rewritten (static; parameters loaded, the last of them
 * an {@code int} the switch reads; then the switch; then blocks that each run straight to a return
 * or a throw); anything else is left as Chicory wrote it. The rewritten method computes the chunk
 * from the key and calls the chunk's method with the same arguments; a chunk's method is the
 * original method with only that chunk's cases, every other key going to the original default, so
 * every key reaches the same block it reached before.
 */
final class CompiledSwitches {
    /** Cases per chunk method. */
    static final int CHUNK = 128;
    private static final int SHIFT = Integer.numberOfTrailingZeros(CHUNK);
    /** A switch with more cases than this is split. */
    static final int LIMIT = 2 * CHUNK;
    /** Beyond this many chunks (keys spread over a wide range) a method is left alone. */
    private static final int MAX_CHUNKS = 4096;

    private CompiledSwitches() {
    }

    /** The classes, in the same order, each dispatch method of the shape above split; other classes byte for byte as given. */
    static Map<String, byte[]> split(Map<String, byte[]> classes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            out.put(e.getKey(), split(e.getValue()));
        }
        return out;
    }

    static byte[] split(byte[] classBytes) {
        ClassReader reader = new ClassReader(classBytes);
        if (!hasLargeSwitch(reader)) {
            return classBytes;
        }
        ClassNode node = new ClassNode();
        reader.accept(node, ClassReader.SKIP_FRAMES);
        Set<String> names = new HashSet<>();
        for (MethodNode m : node.methods) {
            names.add(m.name);
        }
        List<MethodNode> added = new ArrayList<>();
        for (MethodNode m : node.methods) {
            added.addAll(splitMethod(node.name, m, names));
        }
        if (added.isEmpty()) {
            return classBytes;
        }
        node.methods.addAll(added);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // The rewritten methods never merge two reference types; a class whose other methods
                // would need it (and so loading other classes here) is left as it was.
                throw new Unmergeable();
            }
        };
        try {
            node.accept(writer);
            return writer.toByteArray();
        } catch (Unmergeable | IllegalArgumentException | IndexOutOfBoundsException e) {
            return classBytes;
        }
    }

    private static final class Unmergeable extends RuntimeException {
        Unmergeable() {
            super(null, null, false, false);
        }
    }

    private static boolean hasLargeSwitch(ClassReader reader) {
        boolean[] found = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                        found[0] |= labels.length > LIMIT;
                    }

                    @Override
                    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                        found[0] |= labels.length > LIMIT;
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found[0];
    }

    /** The chunk methods for {@code m}, which is rewritten in place; none (and {@code m} untouched) when it is not of the shape. */
    private static List<MethodNode> splitMethod(String owner, MethodNode m, Set<String> names) {
        if ((m.access & Opcodes.ACC_STATIC) == 0 || (m.tryCatchBlocks != null && !m.tryCatchBlocks.isEmpty())) {
            return List.of();
        }
        Type[] params = Type.getArgumentTypes(m.desc);
        int paramSlots = 0;
        for (Type t : params) {
            paramSlots += t.getSize();
        }
        List<AbstractInsnNode> prefix = new ArrayList<>();
        AbstractInsnNode insn = m.instructions.getFirst();
        AbstractInsnNode sw = null;
        for (; insn != null; insn = insn.getNext()) {
            int op = insn.getOpcode();
            if (op == Opcodes.TABLESWITCH || op == Opcodes.LOOKUPSWITCH) {
                sw = insn;
                break;
            }
            if (op < 0) {
                continue; // labels, line numbers
            }
            if (!(insn instanceof VarInsnNode v) || op < Opcodes.ILOAD || op > Opcodes.ALOAD || v.var >= paramSlots) {
                return List.of();
            }
            prefix.add(insn);
        }
        if (sw == null || prefix.isEmpty() || prefix.get(prefix.size() - 1).getOpcode() != Opcodes.ILOAD) {
            return List.of();
        }
        int keyVar = ((VarInsnNode) prefix.get(prefix.size() - 1)).var;
        TreeMap<Integer, LabelNode> cases = new TreeMap<>();
        LabelNode dflt;
        if (sw instanceof TableSwitchInsnNode t) {
            for (int i = 0; i < t.labels.size(); i++) {
                if (t.labels.get(i) != t.dflt) {
                    cases.put(t.min + i, t.labels.get(i));
                }
            }
            dflt = t.dflt;
        } else {
            LookupSwitchInsnNode l = (LookupSwitchInsnNode) sw;
            for (int i = 0; i < l.keys.size(); i++) {
                cases.put(l.keys.get(i), l.labels.get(i));
            }
            dflt = l.dflt;
        }
        if (cases.size() <= LIMIT) {
            return List.of();
        }
        Set<LabelNode> targets = new HashSet<>(cases.values());
        targets.add(dflt);
        Map<LabelNode, List<AbstractInsnNode>> blocks = blocksAfter(sw, targets);
        if (blocks == null || !blocks.keySet().containsAll(targets)) {
            return List.of();
        }
        long min = cases.firstKey();
        long chunks = ((cases.lastKey() - min) >>> SHIFT) + 1;
        if (chunks > MAX_CHUNKS) {
            return List.of();
        }
        // Chunk j holds the keys min + j * CHUNK .. min + (j + 1) * CHUNK - 1.
        TreeMap<Integer, TreeMap<Integer, LabelNode>> byChunk = new TreeMap<>();
        for (Map.Entry<Integer, LabelNode> c : cases.entrySet()) {
            byChunk.computeIfAbsent((int) ((c.getKey() - min) >>> SHIFT), k -> new TreeMap<>()).put(c.getKey(), c.getValue());
        }
        List<MethodNode> helpers = new ArrayList<>();
        Map<Integer, String> helperOf = new HashMap<>();
        for (Map.Entry<Integer, TreeMap<Integer, LabelNode>> c : byChunk.entrySet()) {
            String name = m.name + "$chunk" + c.getKey();
            if (!names.add(name)) {
                return List.of();
            }
            helperOf.put(c.getKey(), name);
            helpers.add(chunkMethod(m, name, prefix, sw.getOpcode() == Opcodes.TABLESWITCH, c.getValue(), dflt, blocks));
        }
        m.instructions = dispatcher(owner, m, params, keyVar, (int) min, (int) chunks, helperOf);
        m.tryCatchBlocks = new ArrayList<>();
        m.localVariables = null;
        m.maxStack = 0;
        m.maxLocals = 0;
        return helpers;
    }

    /**
     * Each block after the switch under every label that starts it, or null when the code there is
     * not a row of straight blocks, each started by a label and ending in a return or a throw.
     */
    private static Map<LabelNode, List<AbstractInsnNode>> blocksAfter(AbstractInsnNode sw, Set<LabelNode> targets) {
        Map<LabelNode, List<AbstractInsnNode>> blocks = new HashMap<>();
        List<LabelNode> heads = new ArrayList<>();
        List<AbstractInsnNode> body = null;
        boolean open = false;
        for (AbstractInsnNode insn = sw.getNext(); insn != null; insn = insn.getNext()) {
            if (insn instanceof LabelNode label) {
                if (!open) {
                    heads.add(label);
                } else if (targets.contains(label)) {
                    return null; // one case running on into another
                }
                continue;
            }
            int op = insn.getOpcode();
            if (op < 0) {
                continue; // line numbers
            }
            if (!open) {
                if (heads.isEmpty()) {
                    // After a return or a throw and started by no label: unreachable (Chicory leaves an
                    // athrow after each case's return), so not copied anywhere.
                    continue;
                }
                body = new ArrayList<>();
                for (LabelNode h : heads) {
                    blocks.put(h, body);
                }
                heads.clear();
                open = true;
            }
            if (insn.getType() == AbstractInsnNode.JUMP_INSN || op == Opcodes.TABLESWITCH || op == Opcodes.LOOKUPSWITCH
                    || op == Opcodes.JSR || op == Opcodes.RET) {
                return null;
            }
            body.add(insn);
            open = !((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW);
        }
        return open ? null : blocks;
    }

    private static MethodNode chunkMethod(MethodNode m, String name, List<AbstractInsnNode> prefix, boolean table,
            TreeMap<Integer, LabelNode> cases, LabelNode dflt, Map<LabelNode, List<AbstractInsnNode>> blocks) {
        MethodNode h = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, name, m.desc, null, null);
        Map<LabelNode, LabelNode> heads = new LinkedHashMap<>();
        LabelNode newDefault = new LabelNode();
        heads.put(dflt, newDefault);
        for (LabelNode l : cases.values()) {
            heads.computeIfAbsent(l, k -> new LabelNode());
        }
        for (AbstractInsnNode p : prefix) {
            h.instructions.add(p.clone(Map.of()));
        }
        if (table) {
            int lo = cases.firstKey();
            int hi = cases.lastKey();
            LabelNode[] labels = new LabelNode[hi - lo + 1];
            for (int k = lo; k <= hi; k++) {
                LabelNode target = cases.get(k);
                labels[k - lo] = target == null ? newDefault : heads.get(target);
            }
            h.instructions.add(new TableSwitchInsnNode(lo, hi, newDefault, labels));
        } else {
            int[] keys = cases.keySet().stream().mapToInt(Integer::intValue).toArray();
            LabelNode[] labels = cases.values().stream().map(heads::get).toArray(LabelNode[]::new);
            h.instructions.add(new LookupSwitchInsnNode(newDefault, keys, labels));
        }
        for (Map.Entry<LabelNode, LabelNode> e : heads.entrySet()) {
            h.instructions.add(e.getValue());
            for (AbstractInsnNode i : blocks.get(e.getKey())) {
                h.instructions.add(i.clone(Map.of())); // no labels inside a block (checked), so none to map
            }
        }
        return h;
    }

    /** {@code switch ((key - min) >>> SHIFT)}: each chunk's method called with the method's own arguments; keys of no chunk to the first (its default). */
    private static InsnList dispatcher(String owner, MethodNode m, Type[] params, int keyVar, int min, int chunks, Map<Integer, String> helperOf) {
        InsnList code = new InsnList();
        code.add(new VarInsnNode(Opcodes.ILOAD, keyVar));
        code.add(new LdcInsnNode(min));
        code.add(new InsnNode(Opcodes.ISUB));
        code.add(new IntInsnNode(Opcodes.BIPUSH, SHIFT));
        code.add(new InsnNode(Opcodes.IUSHR));
        Map<String, LabelNode> calls = new LinkedHashMap<>();
        String first = helperOf.get(0);
        LabelNode[] labels = new LabelNode[chunks];
        for (int j = 0; j < chunks; j++) {
            labels[j] = calls.computeIfAbsent(helperOf.getOrDefault(j, first), k -> new LabelNode());
        }
        code.add(new TableSwitchInsnNode(0, chunks - 1, calls.get(first), labels));
        Type ret = Type.getReturnType(m.desc);
        for (Map.Entry<String, LabelNode> c : calls.entrySet()) {
            code.add(c.getValue());
            int slot = 0;
            for (Type t : params) {
                code.add(new VarInsnNode(t.getOpcode(Opcodes.ILOAD), slot));
                slot += t.getSize();
            }
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, owner, c.getKey(), m.desc, false));
            code.add(new InsnNode(ret.getOpcode(Opcodes.IRETURN)));
        }
        return code;
    }
}
