package dev.hyrouter.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.server.RouterServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener is safe by default: over real HTTP, a state-changing request from a
 * listener that is not on loopback needs the token of {@code admin.token_file}; probes and
 * scrapes stay open; refusals are counted and change nothing.
 */
class AdminAuthTest {
    private static final String TOKEN = "4f1c2a9e7b3d5f60-admin-token";
    private static final String CONFIG = """
            listen: "127.0.0.1:0"
            routing:
              default: {strategy: round_robin, backends: [{host: old.internal, port: 5520}]}
            """;

    @TempDir
    Path dir;
    private RouterServer server;
    private AdminServer admin;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The router with its admin listener on the wildcard address (not loopback), reached over 127.0.0.1. */
    private Path start(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("hyrouter.yaml"), yaml);
        server = RouterServer.start(ConfigLoader.load(file));
        admin = AdminServer.start(new InetSocketAddress("0.0.0.0", 0), server, RouterMetrics.registry(server));
        return file;
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private double metric(String sample) throws Exception {
        for (String line : send("GET", "/metrics", null).body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1));
            }
        }
        throw new AssertionError("no sample " + sample);
    }

    @Test
    void withoutATokenFileAReloadFromANonLoopbackListenerIsRefusedAndChangesNothing() throws Exception {
        Path file = start(CONFIG);
        Files.writeString(file, CONFIG.replace("old.internal", "new.internal"));
        HttpResponse<String> r = send("POST", "/-/reload", null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("admin.token_file");
        assertThat(server.intake().generation().number()).isEqualTo(1);
        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/readyz", null).statusCode()).isEqualTo(200);
        assertThat(metric("hyrouter_admin_refused_total{reason=\"token_required\"}")).isEqualTo(1.0);
    }

    @Test
    void aReloadNeedsTheRightBearerTokenAndTheTokenRotatesWithTheConfig() throws Exception {
        Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        String withToken = CONFIG + "admin:\n  token_file: admin.token\n";
        Path file = start(withToken);
        Files.writeString(file, withToken.replace("old.internal", "new.internal"));

        HttpResponse<String> none = send("POST", "/-/reload", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        HttpResponse<String> wrong = send("POST", "/-/reload", "Bearer " + TOKEN.replace('4', '5'));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain(TOKEN);
        assertThat(server.intake().generation().number()).as("refused requests change nothing").isEqualTo(1);
        assertThat(metric("hyrouter_admin_refused_total{reason=\"no_token\"}")).isEqualTo(1.0);
        assertThat(metric("hyrouter_admin_refused_total{reason=\"bad_token\"}")).isEqualTo(1.0);
        assertThat(send("GET", "/metrics", null).body()).doesNotContain(TOKEN);

        HttpResponse<String> ok = send("POST", "/-/reload", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(server.intake().generation().number()).isEqualTo(2);

        // The next reload reads the token file again: the old token stops working.
        Files.writeString(dir.resolve("admin.token"), TOKEN + "-rotated\n");
        assertThat(send("POST", "/-/reload", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/-/reload", "Bearer " + TOKEN).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/-/reload", "Bearer " + TOKEN + "-rotated").statusCode()).isEqualTo(200);
    }
}
