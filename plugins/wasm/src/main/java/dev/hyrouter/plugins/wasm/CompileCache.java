package dev.hyrouter.plugins.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code wasm.compile_cache}: a module's compiled classes (Chicory's, with the router's deadline
 * checks), kept in a directory so that a restart loads them instead of compiling again (seconds
 * for a Go-built module on one core).
 *
 * <p>An entry is named by the module's digest, in a subdirectory named after the compiler
 * itself (a digest of its code, of Chicory's validator and of the entry format): an entry also
 * vouches that its module passed that validator, so a module found here is loaded without
 * validating its functions again (WasmModuleLoader). A router with another Chicory, or
 * another entry format, never loads classes an older one made. An entry is written to a temporary file and moved into place,
 * so a crash or a second router sharing the directory never leaves half an entry. What the
 * directory holds is JVM code the router loads: it must be writable by the router alone.
 */
final class CompileCache {
    private static final Logger LOG = LoggerFactory.getLogger(CompileCache.class);
    private final Path dir;
    /** Entries handed out so far, and the key of the last one (loading runs on one thread). */
    private int hits;
    private String lastHit;

    private CompileCache(Path dir) {
        this.dir = dir;
    }

    /** The cache under {@code root}, in the subdirectory of this Chicory compiler. */
    static CompileCache open(Path root) throws IOException {
        Path dir = root.resolve("chicory-" + compilerDigest());
        Files.createDirectories(dir);
        return new CompileCache(dir);
    }

    Path directory() {
        return dir;
    }

    int hits() {
        return hits;
    }

    /** The key of the entry handed out last, {@code null} before any. */
    String lastHit() {
        return lastHit;
    }

    /** An entry's key: the SHA-256 of the module's bytes (looked up before the module is parsed). */
    static String key(byte[] module) {
        try {
            return "sha256-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The entry's file: its key, kept to safe file-name characters. */
    Path entry(String key) {
        return dir.resolve(key.replaceAll("[^A-Za-z0-9._-]", "_") + ".classes");
    }

    /** The entry, or {@code null} (absent or unreadable: the module is then compiled). */
    byte[] get(String key) {
        Path f = entry(key);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(f);
            hits++;
            lastHit = key;
            return bytes;
        } catch (IOException e) {
            LOG.warn("wasm compile cache: {} cannot be read ({}); compiling instead", f, e.toString());
            return null;
        }
    }

    /** Stores an entry; a directory that cannot take it costs the next start a compile, nothing else. */
    void putIfAbsent(String key, byte[] data) {
        Path f = entry(key);
        if (Files.exists(f)) {
            return;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "entry-", ".tmp");
            Files.write(tmp, data);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f);
            }
        } catch (FileAlreadyExistsException e) {
            // Another router sharing the directory stored the same module first.
        } catch (IOException e) {
            LOG.warn("wasm compile cache: cannot store {} ({}); the module will be compiled again at the next start", f, e.toString());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.debug("wasm compile cache: temporary file {} left behind: {}", tmp, e.toString());
                }
            }
        }
    }

    /** Removes an entry that failed to load (damaged, or not what this compiler wrote). */
    void evict(String key) {
        try {
            Files.deleteIfExists(entry(key));
        } catch (IOException e) {
            // Compiling again still works; the next start tries the entry again.
        }
    }

    /** Changes whenever what {@link WasmModuleLoader} stores in an entry changes. */
    private static final String ENTRY_FORMAT = "hyrouter-entry-4 (classes with WasmDeadline checks and dispatch switches split by CompiledSwitches, the interpreted functions; keyed by the bytes' SHA-256)";

    /** A digest of the Chicory compiler's own main class, its validator and the entry format: when any changes, another directory. */
    static String compilerDigest() {
        try (InputStream compiler = MachineFactoryCompiler.class.getResourceAsStream("/com/dylibso/chicory/compiler/internal/Compiler.class");
                InputStream validator = Parser.class.getResourceAsStream("/com/dylibso/chicory/wasm/Validator.class")) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (InputStream in : new InputStream[] {compiler, validator}) {
                if (in != null) {
                    d.update(in.readAllBytes());
                }
            }
            d.update(MachineFactoryCompiler.class.getName().getBytes(StandardCharsets.UTF_8));
            d.update(ENTRY_FORMAT.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot identify the Chicory compiler for the compile cache", e);
        }
    }
}
