package dev.hyrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code admin.token_file} and {@code plugins[].failure_mode}: read, checked, never quoted. */
class AdminTokenConfigTest {
    private static final String TOKEN = "0123456789abcdef-super-secret";

    @TempDir
    Path dir;

    @Test
    void theTokenIsReadBesideTheConfigAndNeverPrinted() throws Exception {
        Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        Path config = Files.writeString(dir.resolve("hyrouter.yaml"), "admin:\n  listen: \"0.0.0.0:9520\"\n  token_file: admin.token\n");
        RouterConfig c = ConfigLoader.load(config);
        AdminToken t = c.operations().adminToken();
        assertThat(t.isSet()).isTrue();
        assertThat(t.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(t.accepts("bearer " + TOKEN)).isTrue();
        assertThat(t.accepts("Bearer " + TOKEN + "x")).isFalse();
        assertThat(t.accepts(TOKEN)).isFalse();
        assertThat(t.accepts(null)).isFalse();
        assertThat(c.toString()).doesNotContain("super-secret");
        assertThat(t.toString()).doesNotContain("super-secret");
    }

    @Test
    void withoutATokenFileThereIsNoToken() throws Exception {
        assertThat(ConfigLoader.parse("admin:\n  listen: \"127.0.0.1:9520\"\n", "c.yaml", false).operations().adminToken().isSet()).isFalse();
    }

    @Test
    void aMissingEmptyShortOrMultiLineTokenFileIsRefusedWithoutQuotingIt() throws Exception {
        Path missing = Files.writeString(dir.resolve("missing.yaml"), "admin:\n  token_file: /nonexistent/token\n");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).hasMessage(missing + ":2: admin.token_file: "
                + "cannot read the admin token file /nonexistent/token: NoSuchFileException");
        Files.writeString(dir.resolve("empty"), "\n");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "admin:\n  token_file: empty\n");
        assertThatThrownBy(() -> ConfigLoader.load(empty)).hasMessageContaining(":2: admin.token_file: the admin token file")
                .hasMessageContaining("is empty");
        Files.writeString(dir.resolve("short"), "secret-abc");
        Path shortToken = Files.writeString(dir.resolve("short.yaml"), "admin:\n  token_file: short\n");
        assertThatThrownBy(() -> ConfigLoader.load(shortToken)).hasMessageContaining("shorter than 16 characters")
                .hasMessageNotContaining("secret-abc");
        Files.writeString(dir.resolve("two"), "first-line-super-secret\nsecond-line-super-secret\n");
        Path two = Files.writeString(dir.resolve("two.yaml"), "admin:\n  token_file: two\n");
        assertThatThrownBy(() -> ConfigLoader.load(two)).hasMessageContaining("one line without spaces")
                .hasMessageNotContaining("super-secret");
    }

    @Test
    void failureModeDefaultsToOpenAndReadsClosed() throws Exception {
        RouterConfig c = ConfigLoader.parse("plugins:\n  - name: a\n    type: grpc\n    grpc: {address: \"127.0.0.1:1\"}\n"
                + "  - name: b\n    type: grpc\n    stage: deny\n    failure_mode: closed\n    grpc: {address: \"127.0.0.1:1\"}\n", "c.yaml", false);
        assertThat(c.plugins()).extracting(PluginConfig::failureMode)
                .containsExactly(PluginConfig.FailureMode.OPEN, PluginConfig.FailureMode.CLOSED);
    }
}
