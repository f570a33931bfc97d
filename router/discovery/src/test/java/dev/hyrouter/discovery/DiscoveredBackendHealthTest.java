package dev.hyrouter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.routing.BackendHealth;
import dev.hyrouter.server.QuicBackend;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checks follow discovery: a backend the file provider adds is checked as it appears (the
 * real QUIC backend sees the handshake), one it removes is forgotten, and a discovered backend
 * that goes down leaves the candidates like a static one.
 */
class DiscoveredBackendHealthTest {
    @TempDir
    Path dir;

    private static String backends(QuicBackend... list) {
        StringBuilder b = new StringBuilder("backends:\n");
        for (QuicBackend q : list) {
            b.append("  - {host: 127.0.0.1, port: ").append(q.port()).append("}\n");
        }
        return b.toString();
    }

    private static BackendHealth.State state(TestRouter r, QuicBackend b) {
        return r.server.health().snapshot().states().getOrDefault(b.target(), BackendHealth.State.UNKNOWN);
    }

    @Test
    void discoveredBackendsAreCheckedWhenTheyAppearAndDroppedWhenTheyLeave() throws Exception {
        try (QuicBackend a = QuicBackend.start(); QuicBackend b = QuicBackend.start()) {
            Path file = dir.resolve("backends.yaml");
            Files.writeString(file, backends(a));
            String config = """
                    limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
                    discovery:
                      providers:
                        - name: files
                          type: file
                          file: {path: backends.yaml}
                    routing:
                      default:
                        strategy: round_robin
                        health_checks: {enabled: true, interval: 1s, timeout: 1s, jitter: 0s, unhealthy_threshold: 2, healthy_threshold: 2}
                        discovery: {provider: files}
                    """;
            try (TestRouter r = TestRouter.startConfigFile(config, dir.resolve("hyrouter.yaml").toString())) {
                Await.until("a checked healthy", () -> state(r, a) == BackendHealth.State.HEALTHY);
                assertThat(a.handshakes()).isPositive();
                assertThat(b.handshakes()).as("not discovered, not checked").isZero();

                Files.writeString(file, backends(a, b));
                Await.until("b checked as it appears", () -> state(r, b) == BackendHealth.State.HEALTHY);
                assertThat(b.handshakes()).isPositive();

                b.stop();
                Await.until("b ejected", () -> state(r, b) == BackendHealth.State.UNHEALTHY);
                for (int i = 0; i < 4; i++) {
                    assertThat(r.run("play.example.com").answer().port()).isEqualTo(a.port());
                }

                Files.writeString(file, backends(a));
                Await.until("b forgotten once it left discovery", () -> !r.server.health().snapshot().states().containsKey(b.target()));
                assertThat(r.server.healthChecker().statuses()).extracting(s -> s.target()).containsExactly(a.target());
            }
        }
    }
}
