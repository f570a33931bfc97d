package dev.hyrouter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test fixtures of this repository ({@code router/core/src/test/resources/fixtures}): the wire
 * vectors and the config files that together use every key of the original's configuration.
 * They travel in the core test jar, so other modules' tests read them from the class path.
 */
public final class Fixtures {
    /** Every fixture config, by file name under {@code fixtures/configs/}. */
    public static final List<String> CONFIGS = List.of("minimal.yaml", "dev.yaml", "plugins.yaml",
            "kubernetes-pods.yaml", "kubernetes-endpointslices.yaml", "agones-observe.yaml", "agones-allocate.yaml");

    private Fixtures() {
    }

    /** The text of {@code fixtures/NAME}. */
    public static String text(String name) {
        String resource = "/fixtures/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test fixture " + resource + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test fixture " + resource, e);
        }
    }

    /** The text of the fixture config {@code fixtures/configs/NAME}. */
    public static String config(String name) {
        return text("configs/" + name);
    }

    /** Writes the fixture config NAME into DIR under its own name (error messages name the file). */
    public static Path configFile(String name, Path dir) {
        try {
            return Files.writeString(dir.resolve(name), config(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
