package dev.hyrouter.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the steering repository's {@code shared/} folder (wire vectors, compat configs), which CI
 * places beside the clone. Tests read it in place; when it is missing they fail saying so.
 */
public final class SharedFixtures {
    private SharedFixtures() {
    }

    /** The {@code shared/} folder. */
    public static Path root() {
        String override = System.getProperty("hyrouter.shared.dir", System.getenv("HYROUTER_SHARED_DIR"));
        if (override != null && !override.isEmpty()) {
            Path p = Paths.get(override);
            if (Files.isRegularFile(p.resolve("PROTOCOL.md"))) {
                return p;
            }
            throw new IllegalStateException("hyrouter.shared.dir=" + override + " has no PROTOCOL.md");
        }
        Path start = Paths.get("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared");
            if (Files.isRegularFile(candidate.resolve("PROTOCOL.md")) && Files.isDirectory(candidate.resolve("testdata"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("The shared fixtures (shared/testdata/wire-vectors.json, shared/compat/) were not found: "
                + "expected a folder 'shared' beside the clone (searched upwards from " + start
                + "); set -Dhyrouter.shared.dir=/path/to/shared to point at it");
    }

    public static Path wireVectors() {
        return root().resolve("testdata").resolve("wire-vectors.json");
    }

    public static Path compatDir() {
        return root().resolve("compat").resolve("hyrouter-go");
    }
}
