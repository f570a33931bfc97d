package dev.hyrouter.server.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.hyrouter.config.AdminToken;
import dev.hyrouter.server.RouterServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP admin listener ({@code admin.listen}, off unless configured), beside the QUIC intake:
 * {@code GET /metrics} (Prometheus text format, by the Prometheus client's own handler),
 * {@code GET /healthz} (the process is up), {@code GET /readyz} (listening, not draining,
 * discovery synced; 503 with the reason otherwise), {@code POST /-/reload} (read the config file
 * again; 200 with what changed, 409 with why not). Served by two threads of its own, never by
 * an event loop; a scrape reads counters and merges histograms there.
 *
 * <p>Safe by default: a state-changing request ({@code POST /-/reload}) must carry
 * {@code Authorization: Bearer <token>} with the token of {@code admin.token_file} whenever one
 * is configured, and is refused outright (403) when the listener is not on a loopback address
 * and no token is configured. The token is read from the current config on each request, so a
 * reload rotates it; it is never logged. {@code /metrics}, {@code /healthz} and {@code /readyz}
 * stay open for scrapers and probes. Refusals are counted in {@code hyrouter_admin_refused_total}.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer http;
    private final ExecutorService threads;

    private AdminServer(HttpServer http, ExecutorService threads) {
        this.http = http;
        this.threads = threads;
    }

    /** Binds {@code address} and serves {@code router}'s endpoints; throws with the reason when the port cannot be bound. */
    public static AdminServer start(InetSocketAddress address, RouterServer router, PrometheusRegistry registry) throws IOException {
        HttpServer http = HttpServer.create(address, 64);
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "hyrouter-admin");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.createContext("/metrics", new MetricsHandler(registry));
        http.createContext("/healthz", only("GET", ex -> respond(ex, 200, "ok\n")));
        http.createContext("/readyz", only("GET", ex -> {
            String why = router.notReadyReason();
            respond(ex, why.isEmpty() ? 200 : 503, why.isEmpty() ? "ready\n" : "not ready: " + why + "\n");
        }));
        boolean loopback = address.getAddress() != null && address.getAddress().isLoopbackAddress();
        Counter refused = Counter.builder().name("hyrouter_admin_refused")
                .help("Admin requests refused: no_token (none sent), bad_token (wrong one), "
                        + "token_required (not on loopback and no admin.token_file configured)")
                .labelNames("reason").register(registry);
        if (!loopback && !router.core().config().operations().adminToken().isSet()) {
            LOG.warn("admin listener on {} is not on a loopback address and admin.token_file is not set: POST /-/reload is refused "
                    + "until a token file is configured (/metrics, /healthz and /readyz are served)", address);
        }
        http.createContext("/-/reload", only("POST", ex -> {
            if (!authorized(ex, router, loopback, refused)) {
                return;
            }
            RouterServer.ReloadResult r = router.reload();
            respond(ex, r.ok() ? 200 : 409, (r.ok() ? "" : "reload refused, the running config keeps serving: ") + r.message() + "\n");
        }));
        http.createContext("/-/backends", ex -> backends(ex, router, loopback, refused));
        http.createContext("/", ex -> respond(ex, 404, "not found; endpoints: /metrics /healthz /readyz /-/backends POST /-/reload"
                + " POST /-/backends/<host:port>/drain|undrain\n"));
        http.start();
        LOG.info("admin listener on http://{}:{} (/metrics /healthz /readyz /-/backends POST /-/reload)", address.getHostString(),
                http.getAddress().getPort());
        return new AdminServer(http, threads);
    }

    /**
     * {@code GET /-/backends}: every backend of the running config with its pools, health, last check
     * and why (JSON). {@code POST /-/backends/<host:port>/drain} takes one out of rotation (token
     * protected like reload), {@code .../undrain} puts it back; a drain outlives reloads.
     */
    private static void backends(HttpExchange ex, RouterServer router, boolean loopback, Counter refused) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/-/backends") || path.equals("/-/backends/")) {
            if (!"GET".equals(ex.getRequestMethod())) {
                respond(ex, 405, "use GET\n");
                return;
            }
            respond(ex, 200, backendsJson(router), "application/json");
            return;
        }
        String rest = path.substring("/-/backends/".length());
        int slash = rest.lastIndexOf('/');
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        if (slash <= 0 || !(action.equals("drain") || action.equals("undrain"))) {
            respond(ex, 404, "not found; use GET /-/backends, POST /-/backends/<host:port>/drain or POST /-/backends/<host:port>/undrain\n");
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            respond(ex, 405, "use POST\n");
            return;
        }
        if (!authorized(ex, router, loopback, refused)) {
            return;
        }
        String target = rest.substring(0, slash);
        boolean drain = action.equals("drain");
        if (drain && !knownBackend(router, target)) {
            respond(ex, 404, "no pool of the running config has backend " + dev.hyrouter.util.LogText.controls(target, 256)
                    + " (write it as host:port, as GET /-/backends lists it)\n");
            return;
        }
        boolean changed = router.health().drain(target, drain);
        if (changed) {
            LOG.warn("admin: backend {} {}", dev.hyrouter.util.LogText.controls(target, 256), drain
                    ? "drained by hand: it gets no new player until POST /-/backends/" + target + "/undrain"
                    : "undrained by hand: it receives players again");
        }
        respond(ex, 200, target + (drain ? (changed ? " drained\n" : " was already drained\n") : (changed ? " undrained\n"
                : " was not drained\n")));
    }

    private static boolean knownBackend(RouterServer router, String target) {
        dev.hyrouter.server.health.HealthChecker checker = router.healthChecker();
        if (checker != null) {
            return checker.knows(target);
        }
        return dev.hyrouter.server.health.HealthChecker.backendsOf(router.core().config(), router.core().routing().discovery())
                .containsKey(target);
    }

    private static String backendsJson(RouterServer router) {
        dev.hyrouter.server.health.HealthChecker checker = router.healthChecker();
        StringBuilder b = new StringBuilder("{\"health_checks\":").append(checker != null).append(",\"backends\":[");
        java.util.List<dev.hyrouter.server.health.HealthChecker.Status> statuses = checker != null ? checker.statuses()
                : dev.hyrouter.server.health.HealthChecker.uncheckedStatuses(router.core().config(), router.core().routing().discovery(),
                        router.health().snapshot());
        {
            boolean first = true;
            for (dev.hyrouter.server.health.HealthChecker.Status st : statuses) {
                b.append(first ? "" : ",").append("\n{\"backend\":");
                first = false;
                dev.hyrouter.util.LogText.json(b, st.target(), 512);
                b.append(",\"pools\":[");
                for (int i = 0; i < st.pools().size(); i++) {
                    dev.hyrouter.util.LogText.json(b.append(i == 0 ? "" : ","), st.pools().get(i), 128);
                }
                b.append("],\"checked\":").append(st.checked()).append(",\"health\":");
                dev.hyrouter.util.LogText.json(b, st.state(), 32);
                b.append(",\"drained\":").append(st.drained());
                if (st.checked()) {
                    b.append(",\"probe\":");
                    dev.hyrouter.util.LogText.json(b, st.probe(), 32);
                    b.append(",\"checks\":").append(st.checks()).append(",\"failed_checks\":").append(st.failures());
                    b.append(",\"last_check\":");
                    if (st.lastCheckEpochMillis() == 0) {
                        b.append("null");
                    } else {
                        dev.hyrouter.util.LogText.json(b, java.time.Instant.ofEpochMilli(st.lastCheckEpochMillis()).toString(), 64);
                    }
                    b.append(",\"last_result\":");
                    dev.hyrouter.util.LogText.json(b, st.lastResult(), 1024);
                }
                b.append('}');
            }
        }
        return b.append("\n]}\n").toString();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Answers 401/403 and returns {@code false} unless the request may change state. */
    private static boolean authorized(HttpExchange ex, RouterServer router, boolean loopback, Counter refused) throws IOException {
        AdminToken token = router.core().config().operations().adminToken();
        if (!token.isSet()) {
            if (loopback) {
                return true;
            }
            refused.labelValues("token_required").inc();
            respond(ex, 403, "refused: the admin listener is not on a loopback address and admin.token_file is not set;"
                    + " configure a token file and send it as Authorization: Bearer <token>\n");
            return false;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.isBlank()) {
            refused.labelValues("no_token").inc();
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"hyrouter-admin\"");
            respond(ex, 401, "unauthorized: send Authorization: Bearer <the token in admin.token_file>\n");
            return false;
        }
        if (!token.accepts(header)) {
            refused.labelValues("bad_token").inc();
            LOG.warn("admin: refused {} {} from {}: wrong bearer token", ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRemoteAddress() == null ? "unknown" : ex.getRemoteAddress().getAddress().getHostAddress());
            respond(ex, 403, "forbidden: wrong token\n");
            return false;
        }
        return true;
    }

    /** {@code handler} for requests with {@code method}; any other method gets 405. */
    private static HttpHandler only(String method, HttpHandler handler) {
        return ex -> {
            if (method.equals(ex.getRequestMethod())) {
                handler.handle(ex);
            } else {
                respond(ex, 405, "use " + method + "\n");
            }
        };
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        respond(ex, status, body, "text/plain; charset=utf-8");
    }

    private static void respond(HttpExchange ex, int status, String body, String contentType) throws IOException {
        try (ex) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdown();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
