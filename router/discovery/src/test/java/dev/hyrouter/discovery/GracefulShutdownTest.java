package dev.hyrouter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.discovery.MockCluster.Allocation;
import dev.hyrouter.testing.Await;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the real process (the CLI in a child JVM, as the run command starts it): a
 * connection waiting on a slow Agones allocation is still answered, new connections are turned
 * away meanwhile, {@code /readyz} reports the drain, and the process exits 0.
 */
class GracefulShutdownTest {
    @TempDir
    Path dir;
    private MockCluster cluster;
    private Process router;

    @AfterEach
    void stop() {
        if (router != null && router.isAlive()) {
            router.destroyForcibly();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void sigtermAnswersTheConnectionInFlightRefusesNewOnesAndExitsZero() throws Exception {
        cluster = new MockCluster(dir);
        int quicPort = freeUdpPort();
        int adminPort = freeTcpPort();
        Path config = Files.writeString(dir.resolve("hyrouter.yaml"), """
                listen: "127.0.0.1:%d"
                admin:
                  listen: "127.0.0.1:%d"
                shutdown:
                  drain_timeout: 20s
                discovery:
                  providers:
                    - name: fleet
                      type: agones
                      agones:
                        kubeconfig: "%s"
                        namespaces: [games]
                        mode: allocate
                        allocate_timeout: 20s
                        port:
                          name: game
                routing:
                  default:
                    strategy: round_robin
                    discovery: {provider: fleet, mode: prefer}
                """.formatted(quicPort, adminPort, cluster.kubeconfig));
        // The first allocation takes 2 s: long enough to send SIGTERM while it is in flight.
        cluster.allocations.add(Allocation.allocated("203.0.113.5", 7777).after(Duration.ofSeconds(2)));
        // Would refer a second client at once: only the drain can keep it from a referral.
        cluster.allocations.add(Allocation.allocated("203.0.113.6", 7778));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        router = new ProcessBuilder(List.of(java, "-cp", runClassPath(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "dev.hyrouter.cli.Main", "-config", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("router.log").toFile()).start();

        HttpClient http = HttpClient.newHttpClient();
        URI readyz = URI.create("http://127.0.0.1:" + adminPort + "/readyz");
        try {
            Await.until("the router is ready", Duration.ofSeconds(60), () -> !router.isAlive() || status(http, readyz) == 200);
        } finally {
            // A router that never came up says why in its own output.
            if (!router.isAlive()) {
                throw new AssertionError("the router exited with " + router.exitValue() + ":\n" + Files.readString(dir.resolve("router.log")));
            }
        }

        try (HytaleClient client = HytaleClient.create(1)) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", quicPort);
            CompletableFuture<SessionResult> inFlight = client.run(ClientRequest.to(target, "realm.example.com")
                    .withTimeout(Duration.ofSeconds(30)));
            Await.until("the allocation is in flight", () -> cluster.allocationRequests.size() == 1);

            router.destroy(); // SIGTERM
            Await.until("/readyz reports the drain", () -> status(http, readyz) == 503);
            SessionResult refused = client.run(ClientRequest.to(target, "realm.example.com").withTimeout(Duration.ofSeconds(5)))
                    .handle((r, e) -> r).get(60, TimeUnit.SECONDS);
            assertThat(refused == null || !refused.answer().isReferral()).as("a connection during the drain is turned away").isTrue();

            SessionResult answered = inFlight.get(60, TimeUnit.SECONDS);
            assertThat(answered.answer().isReferral()).isTrue();
            assertThat(answered.answer().host()).isEqualTo("203.0.113.5");
        }
        assertThat(cluster.allocationRequests).as("the connection during the drain reached no decision").hasSize(1);
        assertThat(router.waitFor(60, TimeUnit.SECONDS)).as("exited within the drain timeout").isTrue();
        String log = Files.readString(dir.resolve("router.log"));
        assertThat(router.exitValue()).as(log).isZero();
        assertThat(log).contains("SIGTERM: graceful shutdown").contains("draining").contains("stopped:");
        // The kubeconfig's token is a credential: it never reaches a log line.
        assertThat(log).doesNotContain("not-a-secret");
    }

    /**
     * This test's class path without its test classes and resources: the router's own logging, as
     * the run command has it (the tests' logback-test.xml logs warnings only).
     */
    private static String runClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.replace('\\', '/').contains("/test-classes"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }


    /** Starts the router as its own process (the run command, its logging) and waits until it is ready. */
    private void startProcess(Path config, int adminPort, HttpClient http) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        router = new ProcessBuilder(List.of(java, "-cp", runClassPath(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "dev.hyrouter.cli.Main", "-config", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("router.log").toFile()).start();
        URI readyz = URI.create("http://127.0.0.1:" + adminPort + "/readyz");
        try {
            Await.until("the router is ready", Duration.ofSeconds(60), () -> !router.isAlive() || status(http, readyz) == 200);
        } finally {
            if (!router.isAlive()) {
                throw new AssertionError("the router exited with " + router.exitValue() + ":\n" + Files.readString(dir.resolve("router.log")));
            }
        }
    }

    private static String staticConfig(int quicPort, int adminPort, String backend, Path accessLog, String extra) {
        return """
                listen: "127.0.0.1:%d"
                admin:
                  listen: "127.0.0.1:%d"
                logging:
                  access_log: "%s"
                limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
                %s
                routing:
                  default: {strategy: round_robin, backends: [{host: %s, port: 5520}]}
                """.formatted(quicPort, adminPort, accessLog, extra, backend);
    }

    @Test
    void sighupReloadsTheConfigAndReopensTheAccessLogFile() throws Exception {
        int quicPort = freeUdpPort();
        int adminPort = freeTcpPort();
        Path log = dir.resolve("access.log");
        Path config = Files.writeString(dir.resolve("hyrouter.yaml"), staticConfig(quicPort, adminPort, "old.internal", log, ""));
        HttpClient http = HttpClient.newHttpClient();
        startProcess(config, adminPort, http);
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", quicPort);
        try (HytaleClient client = HytaleClient.create(1)) {
            assertThat(client.run(ClientRequest.to(target, "play.example.com").withTimeout(Duration.ofSeconds(30))).get(60, TimeUnit.SECONDS)
                    .answer().host()).isEqualTo("old.internal");
            Await.until("the first entry in the access log", () -> Files.exists(log) && size(log) > 0);
            // What logrotate does: move the file away, then have the router reopen the path.
            Path rotated = Files.move(log, dir.resolve("access.log.1"));
            Files.writeString(config, staticConfig(quicPort, adminPort, "new.internal", log, ""));
            new ProcessBuilder("kill", "-HUP", Long.toString(router.pid())).start().waitFor(10, TimeUnit.SECONDS);
            Await.until("the reload took the new backend", () -> {
                try {
                    return client.run(ClientRequest.to(target, "play.example.com").withTimeout(Duration.ofSeconds(30))).get(60, TimeUnit.SECONDS)
                            .answer().host().equals("new.internal");
                } catch (Exception e) {
                    return false;
                }
            });
            Await.until("an entry in the reopened file", () -> Files.exists(log) && read(log).contains("new.internal"));
            assertThat(read(rotated)).contains("old.internal").doesNotContain("new.internal");
        }
        String out = Files.readString(dir.resolve("router.log"));
        assertThat(out).contains("reloaded " + config);
        router.destroy();
        assertThat(router.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(router.exitValue()).isZero();
    }

    @Test
    void aDrainThatRunsOutOfTimeClosesWhatIsStillOpenAndExits() throws Exception {
        int quicPort = freeUdpPort();
        int adminPort = freeTcpPort();
        // A client that connects and never sends its Connect holds its connection (connect_timeout 60 s).
        Path config = Files.writeString(dir.resolve("hyrouter.yaml"), staticConfig(quicPort, adminPort, "lobby.internal",
                dir.resolve("access.log"), "quic: {connect_timeout: 60s}\nshutdown: {drain_timeout: 1s}"));
        HttpClient http = HttpClient.newHttpClient();
        startProcess(config, adminPort, http);
        try (HytaleClient client = HytaleClient.create(1)) {
            CompletableFuture<SessionResult> silent = client.run(ClientRequest.to(new InetSocketAddress("127.0.0.1", quicPort),
                    "play.example.com").withSilence().withTimeout(Duration.ofSeconds(60)));
            URI metrics = URI.create("http://127.0.0.1:" + adminPort + "/metrics");
            Await.until("the silent connection is open", () -> body(http, metrics).contains("hyrouter_connections_open 1.0"));
            router.destroy(); // SIGTERM
            assertThat(router.waitFor(60, TimeUnit.SECONDS)).as("exited after the drain timeout").isTrue();
            silent.handle((r, e) -> null).get(60, TimeUnit.SECONDS);
        }
        String out = Files.readString(dir.resolve("router.log"));
        assertThat(out).contains("drain timeout: closing 1 connection(s) still open").contains("stopped:");
        assertThat(router.exitValue()).as(out).isZero();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String body(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
