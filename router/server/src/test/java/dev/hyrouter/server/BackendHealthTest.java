package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.BackendHealth;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.server.admin.AdminServer;
import dev.hyrouter.server.admin.RouterMetrics;
import dev.hyrouter.server.health.HealthChecker;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.TestPlugin;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend health checks against real QUIC backends (small Netty servers the test starts, stops
 * and hangs): ejection and return, what an all-down pool answers, a hung server, one check per
 * interval for a backend many pools share, state kept across a reload, drains over the admin
 * listener, what plugins see, and the version probe. No fixed sleeps: each step waits for the
 * state change it needs, with a bound on a hang.
 */
class BackendHealthTest {
    /** Checks fast enough for a test; the timeout is generous because a busy CI machine completes loopback handshakes slowly. */
    private static final String CHECKS = "{enabled: true, interval: 1s, timeout: 1s, jitter: 0s, unhealthy_threshold: 2, healthy_threshold: 2}";

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private QuicBackend backend() {
        QuicBackend b = QuicBackend.start();
        closing.add(b);
        return b;
    }

    private TestRouter router(String yaml) throws Exception {
        TestRouter r = TestRouter.start(yaml);
        closing.add(r);
        return r;
    }

    private static String pool(String extra, QuicBackend... backends) {
        StringBuilder b = new StringBuilder("{strategy: round_robin, health_checks: " + CHECKS.replace("}", extra + "}") + ", backends: [");
        for (int i = 0; i < backends.length; i++) {
            b.append(i == 0 ? "" : ", ").append("{host: 127.0.0.1, port: ").append(backends[i].port()).append('}');
        }
        return b.append("]}").toString();
    }

    private static String defaultPool(String extra, QuicBackend... backends) {
        return "limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}\nrouting:\n  default: " + pool(extra, backends) + "\n";
    }

    private static BackendHealth.State state(TestRouter r, QuicBackend b) {
        return r.server.health().snapshot().states().getOrDefault(b.target(), BackendHealth.State.UNKNOWN);
    }

    private static void awaitState(TestRouter r, QuicBackend b, BackendHealth.State s) throws InterruptedException {
        Await.until(b.target() + " " + s.configName() + " (now " + state(r, b).configName() + ")", () -> state(r, b) == s);
    }

    /** Ports the sessions were referred to, and the Disconnect reasons of the others. */
    private static List<String> answers(TestRouter r, int sessions) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ServerAnswer a = r.run("play.example.com").answer();
            out.add(a.isReferral() ? Integer.toString(a.port()) : "disconnect: " + a.reason());
        }
        return out;
    }

    @Test
    void aBackendThatStopsIsEjectedAndComesBackAfterTheHealthyThreshold() throws Exception {
        QuicBackend a = backend();
        QuicBackend b = backend();
        TestRouter r = router(defaultPool("", a, b));
        awaitState(r, a, BackendHealth.State.HEALTHY);
        awaitState(r, b, BackendHealth.State.HEALTHY);
        assertThat(new HashSet<>(answers(r, 6))).containsExactlyInAnyOrder(Integer.toString(a.port()), Integer.toString(b.port()));

        a.stop();
        awaitState(r, a, BackendHealth.State.UNHEALTHY);
        assertThat(answers(r, 10)).as("every player goes to the backend that answers").containsOnly(Integer.toString(b.port()));

        a.restart();
        awaitState(r, a, BackendHealth.State.HEALTHY);
        assertThat(new HashSet<>(answers(r, 6))).containsExactlyInAnyOrder(Integer.toString(a.port()), Integer.toString(b.port()));
        r.assertNothingLeaks();
    }

    @Test
    void aPoolWithEveryBackendDownPanicsByDefaultAndAnswersNoBackendsWhenConfigured() throws Exception {
        QuicBackend a = backend();
        QuicBackend b = backend();
        TestRouter panic = router(defaultPool("", a, b));
        QuicBackend c = backend();
        TestRouter refuse = router("messages: {disconnect: {no_backends: \"all servers are down\"}}\n"
                + defaultPool(", when_all_unhealthy: no_backends", c));
        a.stop();
        b.stop();
        c.stop();
        awaitState(panic, a, BackendHealth.State.UNHEALTHY);
        awaitState(panic, b, BackendHealth.State.UNHEALTHY);
        awaitState(refuse, c, BackendHealth.State.UNHEALTHY);

        assertThat(answers(panic, 4)).as("panic routing refers anyway: a check can be wrong, a refusal is certain")
                .allMatch(p -> p.equals(Integer.toString(a.port())) || p.equals(Integer.toString(b.port())));
        assertThat(answers(refuse, 2)).containsOnly("disconnect: all servers are down");
    }

    @Test
    void aBackendThatTakesDatagramsButNeverCompletesAHandshakeIsDown() throws Exception {
        QuicBackend hung = QuicBackend.blackHole();
        closing.add(hung);
        QuicBackend b = backend();
        TestRouter r = router(defaultPool("", hung, b));
        awaitState(r, hung, BackendHealth.State.UNHEALTHY);
        assertThat(hung.datagramsDropped()).as("the check reached it").isPositive();
        HealthChecker.Status s = status(r, hung.target());
        assertThat(s.lastResult()).contains("no answer within 1000 ms");
        assertThat(answers(r, 6)).containsOnly(Integer.toString(b.port()));
    }

    @Test
    void aBackendSharedByManyPoolsIsCheckedOncePerInterval() throws Exception {
        QuicBackend shared = backend();
        StringBuilder yaml = new StringBuilder("limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}\nrouting:\n  routes:\n");
        for (int i = 0; i < 4; i++) {
            yaml.append("    - match: {hostname: s").append(i).append(".example.com}\n      pool: ").append(pool("", shared)).append('\n');
        }
        yaml.append("  default: ").append(pool("", shared)).append('\n');
        TestRouter r = router(yaml.toString());
        Await.until("three checks of the shared backend", () -> checks(r, shared.target()) >= 3);
        HealthChecker.Status s = status(r, shared.target());
        assertThat(s.pools()).containsExactly("routing.routes[0]", "routing.routes[1]", "routing.routes[2]", "routing.routes[3]",
                "routing.default");
        assertThat(r.server.healthChecker().statuses()).hasSize(1);
        // Five pools, one target: the backend saw as many handshakes as the target's checks (one may be in flight).
        long checks = status(r, shared.target()).checks();
        assertThat((long) shared.handshakes()).isBetween(checks - 1, checks + 1);
    }

    @Test
    void aReloadKeepsTheStateOfBackendsThatStayAndForgetsThoseThatLeave() throws Exception {
        QuicBackend a = backend();
        QuicBackend b = backend();
        QuicBackend c = backend();
        Path file = dir.resolve("hyrouter.yaml");
        Files.writeString(file, "listen: \"127.0.0.1:0\"\n" + defaultPool("", a, b, c));
        RouterServer server = RouterServer.start(ConfigLoader.load(file), Map.of(), DiscoveryResolver.NONE);
        closing.add(server);
        a.stop();
        Await.until("a unhealthy", () -> server.health().snapshot().states().get(a.target()) == BackendHealth.State.UNHEALTHY);
        Await.until("c checked", () -> server.health().snapshot().states().get(c.target()) == BackendHealth.State.HEALTHY);

        Files.writeString(file, "listen: \"127.0.0.1:0\"\nmessages: {disconnect: {no_backends: \"reloaded\"}}\n" + defaultPool("", a, b));
        assertThat(server.reload().ok()).isTrue();
        // The state is read right after the reload, before any new check could have run on a's interval.
        assertThat(server.health().snapshot().states().get(a.target())).isEqualTo(BackendHealth.State.UNHEALTHY);
        assertThat(server.health().snapshot().states().get(b.target())).isEqualTo(BackendHealth.State.HEALTHY);
        Await.until("c forgotten", () -> !server.health().snapshot().states().containsKey(c.target()));
        HytaleClient client = HytaleClient.create(1);
        closing.add(client);
        for (int i = 0; i < 4; i++) {
            SessionResult s = client.run(dev.hyrouter.client.ClientRequest.to(server.address(), "play.example.com")
                    .withTimeout(Duration.ofSeconds(30))).get(60, TimeUnit.SECONDS);
            assertThat(s.answer().port()).isEqualTo(b.port());
        }
    }

    @Test
    void anOperatorDrainsABackendOverTheAdminListenerAndPutsItBack() throws Exception {
        QuicBackend a = backend();
        QuicBackend b = backend();
        TestRouter r = router(defaultPool("", a, b));
        AdminServer admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), r.server, RouterMetrics.registry(r.server));
        closing.add(admin);
        awaitState(r, a, BackendHealth.State.HEALTHY);
        awaitState(r, b, BackendHealth.State.HEALTHY);
        String base = "http://127.0.0.1:" + admin.address().getPort();

        HttpResponse<String> drained = post(base + "/-/backends/" + a.target() + "/drain");
        assertThat(drained.statusCode()).isEqualTo(200);
        assertThat(drained.body()).contains("drained");
        assertThat(answers(r, 6)).containsOnly(Integer.toString(b.port()));
        String list = get(base + "/-/backends").body();
        assertThat(list).contains("\"backend\":\"" + a.target() + "\",\"pools\":[\"routing.default\"],\"checked\":true,\"health\":\"healthy\","
                + "\"drained\":true");
        assertThat(list).contains("\"last_result\":\"ok in ");
        String metrics = get(base + "/metrics").body();
        assertThat(metrics).contains("hyrouter_backend_drained{backend=\"" + a.target() + "\"} 1");
        assertThat(metrics).contains("hyrouter_backend_up{backend=\"" + b.target() + "\"} 1");
        assertThat(metrics).contains("hyrouter_health_checks_total{result=\"ok\"}");

        assertThat(post(base + "/-/backends/" + a.target() + "/undrain").statusCode()).isEqualTo(200);
        assertThat(new HashSet<>(answers(r, 6))).containsExactlyInAnyOrder(Integer.toString(a.port()), Integer.toString(b.port()));
        assertThat(post(base + "/-/backends/127.0.0.1:1/drain").statusCode()).as("a typo is refused, not silently kept").isEqualTo(404);
        assertThat(get(base + "/-/backends/" + a.target() + "/drain").statusCode()).isEqualTo(405);
    }

    @Test
    void pluginsSeeOnlyHealthyCandidatesEachWithAHealthKey() throws Exception {
        QuicBackend a = backend();
        QuicBackend b = backend();
        List<List<Backend>> seen = new CopyOnWriteArrayList<>();
        TestRouter r = TestRouter.start(defaultPool("", a, b) + "plugins:\n  - {name: look, type: wasm, wasm: {path: look.wasm}}\n",
                Map.of("look", TestPlugin.async("look", (ConnectRequest q) -> {
                    seen.add(q.candidates());
                    return CompletableFuture.completedFuture(ConnectResponse.EMPTY);
                })));
        closing.add(r);
        a.stop();
        awaitState(r, a, BackendHealth.State.UNHEALTHY);
        awaitState(r, b, BackendHealth.State.HEALTHY);
        seen.clear();
        r.run("play.example.com");
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).extracting(Backend::port).containsExactly(b.port());
        assertThat(seen.get(0).get(0).meta()).containsEntry("health", "healthy");
    }

    @Test
    void theVersionProbeNeedsNoHandshakeAndFindsAHungServer() throws Exception {
        QuicBackend a = backend();
        QuicBackend hung = QuicBackend.blackHole();
        closing.add(hung);
        TestRouter r = router(defaultPool(", probe: version", a, hung));
        awaitState(r, a, BackendHealth.State.HEALTHY);
        awaitState(r, hung, BackendHealth.State.UNHEALTHY);
        Await.until("two checks of a", () -> checks(r, a.target()) >= 2);
        assertThat(a.handshakes()).as("a version probe costs the backend no handshake").isZero();
        assertThat(status(r, a.target()).probe()).isEqualTo("version");
    }

    @Test
    void checksInFlightNeverExceedTheirBound() throws Exception {
        List<QuicBackend> hung = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            QuicBackend h = QuicBackend.blackHole();
            closing.add(h);
            hung.add(h);
        }
        TestRouter r = router("health_checks: {max_in_flight: 1}\n" + defaultPool("", hung.toArray(new QuicBackend[0])));
        // Each check of a hung backend holds its slot for the whole timeout: with one slot they queue.
        for (QuicBackend h : hung) {
            Await.until("a check of " + h.target(), () -> checks(r, h.target()) >= 1);
        }
        assertThat(r.server.healthChecker().peakInFlight()).isEqualTo(1);
        assertThat(answers(r, 3)).as("all unhealthy: panic routing").hasSize(3).allMatch(a -> !a.startsWith("disconnect"));
    }

    private static long checks(TestRouter r, String target) {
        return r.server.healthChecker().statuses().stream().filter(s -> s.target().equals(target)).mapToLong(HealthChecker.Status::checks)
                .findFirst().orElse(0);
    }

    private static HealthChecker.Status status(TestRouter r, String target) {
        HealthChecker checker = r.server.healthChecker();
        if (checker == null) {
            throw new AssertionError("no health checker running");
        }
        return checker.statuses().stream().filter(s -> s.target().equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + target));
    }

    private HttpResponse<String> post(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
