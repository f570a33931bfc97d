package dev.hyrouter.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * The upstream-compat check's one way to the Go original's own config files (its {@code dev/}
 * folder). They are source-available under a licence that does not let this repository carry
 * them, so the compat tests are the only ones that read outside the clone:
 * {@code ../shared/compat/hyrouter-go} beside it, or the folder named by
 * {@code -Dhyrouter.compat.dir}. Without it they are skipped with {@link #MISSING}, except under
 * {@code CI=true}, where a missing folder is a failure.
 */
public final class UpstreamCompat {
    public static final String MISSING = "the Go original's config files were not found (expected ../shared/compat/hyrouter-go "
            + "beside the clone, or -Dhyrouter.compat.dir=DIR); the fixture configs cover the same keys";

    private UpstreamCompat() {
    }

    /** Call once per test class ({@code @BeforeAll}): the folder, or {@code null} (skipped), or an error under CI. */
    public static Path locateOrFailUnderCi(String testClass) {
        Path dir = locate();
        if (dir == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + MISSING);
        }
        if (dir == null) {
            System.err.println(testClass + " skipped: " + MISSING);
        }
        return dir;
    }

    /** Call per test ({@code @BeforeEach}), so each is reported as skipped with the reason (a class-level abort shows as 0 tests run). */
    public static void assume(Path dir) {
        Assumptions.assumeTrue(dir != null, MISSING);
    }

    private static Path locate() {
        String override = System.getProperty("hyrouter.compat.dir", "");
        if (!override.isEmpty()) {
            return Files.isDirectory(Paths.get(override)) ? Paths.get(override) : null;
        }
        // Tests run in their module's folder (router/core, router/discovery); the clone's parent holds shared/.
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("../shared/compat/hyrouter-go").normalize();
            if (Files.isRegularFile(candidate.resolve("config.yaml"))) {
                return candidate;
            }
        }
        return null;
    }
}
