package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.DiscoveryProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryException;
import dev.hyrouter.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file provider: a watched YAML or JSON file of backends. */
class FileProviderTest {
    @TempDir
    Path dir;
    private DiscoveryProvider provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
    }

    private DiscoveryProvider start(String path) throws Exception {
        // The config file lives in dir, so a relative path is read from there.
        provider = new Providers.File().create(new dev.hyrouter.config.DiscoveryConfig.Provider("static", "file",
                Map.of("path", path), dir.resolve("hyrouter.yaml").toString(), 3));
        provider.start();
        return provider;
    }

    private List<String> hosts() {
        try {
            return provider.snapshot().stream().map(b -> b.host() + ":" + b.port()).toList();
        } catch (DiscoveryException e) {
            return List.of("not synced");
        }
    }

    @Test
    void backendsFollowTheFileAndABrokenEditKeepsTheLastGoodOnes() throws Exception {
        Path file = dir.resolve("backends.yaml");
        Files.writeString(file, """
                backends:
                  - host: a.example
                    port: 5520
                    weight: 2
                    meta:
                      region: eu
                """);
        start("backends.yaml");
        assertThat(provider.firstSync()).isDone();
        assertThat(hosts()).containsExactly("a.example:5520");
        Backend a = provider.snapshot().get(0);
        assertThat(a.weight()).isEqualTo(2);
        assertThat(a.meta()).containsEntry("region", "eu");

        Files.writeString(file, """
                backends:
                  - host: a.example
                    port: 5520
                  - host: b.example
                    port: 5521
                """);
        Await.until("the edit is seen", () -> hosts().equals(List.of("a.example:5520", "b.example:5521")));

        Files.writeString(file, """
                backends:
                  - host: c.example
                    port: 99999
                """);
        Await.until("the broken edit is counted", () -> provider.state().errors() == 1);
        assertThat(provider.state().lastError()).isEqualTo(file + ":3: backends[0].port: port must be between 1 and 65535");
        assertThat(hosts()).containsExactly("a.example:5520", "b.example:5521");

        // JSON as well: a file written under another name and moved into place, read by a new provider.
        Path next = dir.resolve(".next.json");
        Files.writeString(next, "{\"backends\": []}");
        Path json = dir.resolve("backends.json");
        Files.move(next, json);
        provider.close();
        start("backends.json");
        assertThat(hosts()).isEmpty();
        assertThat(provider.state().synced()).isTrue();
    }

    @Test
    void aMissingFileIsNotSyncedUntilItAppears() throws Exception {
        start("later.yaml");
        assertThatThrownBy(provider::snapshot).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("has not synced yet").hasMessageContaining("later.yaml: file not found");
        Files.writeString(dir.resolve("later.yaml"), "backends:\n  - host: late.example\n    port: 5520\n");
        Await.until("the file appears", () -> hosts().equals(List.of("late.example:5520")));
        provider.firstSync().get();
    }
}
