package dev.hyrouter.cli;

import java.util.Properties;

/**
 * Which way Netty allocates the direct buffers it does not pool (QUIC's per-connection native
 * structures, among others). Its no-cleaner path allocates them with {@code Unsafe} and frees them
 * when released; the fallback goes through {@code ByteBuffer.allocateDirect}, which zeroes the
 * memory, reserves it under the JDK's global accounting and registers a {@code Cleaner} under a
 * lock, for every buffer. The no-cleaner path costs the router about 6 % less CPU per session
 * (perf-reports/dataplane/2026-12-06-direct-buffers.md). Netty takes it only when it may open
 * {@code DirectByteBuffer}'s constructor: {@code java.nio} opened to it (the runnable jar's manifest
 * does, for {@code java -jar}) and {@code io.netty.tryReflectionSetAccessible} true, which is set
 * here before any Netty class loads unless the operator set it.
 */
final class DirectBuffers {
    static final String PROPERTY = "io.netty.tryReflectionSetAccessible";

    private DirectBuffers() {
    }

    /** Call first in {@code main}: Netty reads the property once, when its first class loads. */
    static void preferNoCleaner(Properties system) {
        system.putIfAbsent(PROPERTY, "true");
    }

    /** The start-up line: what the router runs with, and what to do when it is the slower path. */
    static String describe(boolean noCleaner, String property) {
        if (noCleaner) {
            return "direct buffers: Netty's no-cleaner allocation";
        }
        if ("false".equalsIgnoreCase(property)) {
            return "direct buffers: the JDK's cleaner path, because " + PROPERTY + "=false was set; "
                    + "drop it for about 6 % less CPU per session";
        }
        return "direct buffers: the JDK's cleaner path (java.nio is not open to Netty); start the router with "
                + "java -jar (the jar's manifest opens it) or add --add-opens java.base/java.nio=ALL-UNNAMED "
                + "for about 6 % less CPU per session";
    }
}
