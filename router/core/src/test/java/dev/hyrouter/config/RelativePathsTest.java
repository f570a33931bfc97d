package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rule for relative paths: the config file's folder; the original's working-directory
 * reading kept as a fallback with a warning. Surefire runs in the module's folder, whose
 * {@code pom.xml} stands for a file an original's config names from the working directory.
 */
class RelativePathsTest {
    @TempDir
    Path dir;

    private RouterConfig load(String yaml) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("hyrouter.yaml"), yaml));
    }

    @Test
    void filesBesideTheConfigAreReadFromItsFolderWhateverTheWorkingDirectory() throws Exception {
        Files.writeString(dir.resolve("gate.wasm"), "");
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/tls.pem"), "");
        Files.writeString(dir.resolve("certs/tls.key"), "");
        RouterConfig c = load("""
                tls: {cert_file: certs/tls.pem, key_file: certs/tls.key}
                plugins:
                  - {name: gate, type: wasm, wasm: {path: gate.wasm}}
                """);
        assertThat(c.tls().certFile()).isEqualTo(dir.resolve("certs/tls.pem").toAbsolutePath().toString());
        assertThat(c.tls().keyFile()).isEqualTo(dir.resolve("certs/tls.key").toAbsolutePath().toString());
        assertThat(c.plugins().get(0).wasm().path()).isEqualTo(dir.resolve("gate.wasm").toAbsolutePath().toString());
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void aFileOnlyInTheWorkingDirectoryIsUsedWithAWarningNamingBothPlaces() throws Exception {
        assertThat(Path.of("pom.xml")).as("the module's folder is the working directory").exists();
        assertThat(dir.resolve("pom.xml")).doesNotExist();
        RouterConfig c = load("""
                plugins:
                  - {name: gate, type: wasm, wasm: {path: pom.xml}}
                """);
        assertThat(c.plugins().get(0).wasm().path()).isEqualTo(Path.of("pom.xml").toAbsolutePath().toString());
        assertThat(c.warnings()).singleElement().satisfies(w -> {
            assertThat(w.toString()).contains("hyrouter.yaml:2").contains("plugins[0].wasm.path");
            assertThat(w.message()).contains("working directory").contains(dir.toAbsolutePath().toString());
        });
    }

    @Test
    void aFileInNeitherPlaceIsNamedBesideTheConfigAndAbsolutePathsStayAsWritten() throws Exception {
        Path absolute = dir.resolve("elsewhere/ca.pem").toAbsolutePath();
        RouterConfig c = load("plugins:\n"
                + "  - {name: gate, type: wasm, wasm: {path: missing.wasm, compile_cache: cache}}\n"
                + "  - {name: deny, type: grpc, grpc: {address: \"127.0.0.1:7777\", tls: {ca_file: \"" + absolute + "\"}}}\n");
        assertThat(c.plugins().get(0).wasm().path()).isEqualTo(dir.resolve("missing.wasm").toAbsolutePath().toString());
        assertThat(c.plugins().get(0).wasm().compileCache()).isEqualTo(dir.resolve("cache").toAbsolutePath().toString());
        assertThat(c.plugins().get(1).grpc().caFile()).isEqualTo(absolute.toString());
        assertThat(c.warnings()).isEmpty();
    }
}
