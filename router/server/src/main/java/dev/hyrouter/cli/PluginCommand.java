package dev.hyrouter.cli;

import dev.hyrouter.config.ConfigException;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.config.RoutingCompiler;
import dev.hyrouter.codec.ConnectLimits;
import dev.hyrouter.envelope.EnvelopeLayout;
import dev.hyrouter.pipeline.RouterCore;
import dev.hyrouter.plugin.ChainResult;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginChain;
import dev.hyrouter.plugin.PluginFactory;
import dev.hyrouter.plugin.PluginMetrics;
import dev.hyrouter.plugin.json.PluginJson;
import dev.hyrouter.plugin.json.PluginJsonException;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.routing.RoutingEngine;
import dev.hyrouter.routing.RoutingRequest;
import dev.hyrouter.routing.RoutingResult;
import dev.hyrouter.util.LogText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code hyrouter plugin call}: the plugin workbench. Loads one plugin with the router's own
 * runtime (WASM module or gRPC server), sends it the request the router would send for a
 * connection (the same routing, event and JSON encoder), decodes the answer as the router does,
 * checks it against the contract and says what the router would answer. With {@code --count},
 * calls it that many times and reports latency percentiles and, for WASM, memory growth.
 */
final class PluginCommand {
    private static final Set<String> FLAGS = Set.of("wasm", "grpc", "config", "sni", "username", "uuid", "language", "candidates",
            "request", "count", "timeout", "log-level");
    static final String USAGE = "hyrouter plugin call (--wasm FILE | --grpc HOST:PORT) [--sni NAME --username U --uuid ID --language L"
            + " --candidates HOST:PORT,... | --config FILE | --request FILE.json] [--count N] [--timeout 1s]";

    private PluginCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Args.UsageException {
        if (args.isEmpty() || !args.get(0).equals("call")) {
            throw new Args.UsageException("usage: " + USAGE);
        }
        Args a = Args.parse(args.subList(1, args.size()), FLAGS);
        Logging.setLevel(a.get("log-level", "warn"));
        if (a.has("wasm") == a.has("grpc")) {
            throw new Args.UsageException("plugin call needs one of --wasm FILE or --grpc HOST:PORT");
        }
        int count = a.intValue("count", 1);
        if (count < 1) {
            throw new Args.UsageException("--count must be at least 1");
        }
        PluginConfig pc;
        try {
            pc = pluginConfig(a);
        } catch (ConfigException e) {
            err.println("plugin call: " + e.getMessage());
            return 2;
        }
        ConnectRequest request;
        try {
            request = request(a);
        } catch (ConfigException | IOException | PluginJsonException | IllegalArgumentException e) {
            err.println("plugin call: " + e.getMessage());
            return 2;
        }
        Map<PluginConfig.PluginType, PluginFactory> factories = RouterCore.discoverFactories();
        PluginFactory factory = factories.get(pc.type());
        if (factory == null) {
            err.println("plugin call: no " + pc.type().name().toLowerCase() + " plugin runtime in this build");
            return 2;
        }
        Plugin plugin;
        try {
            plugin = factory.create(pc);
        } catch (Exception e) {
            err.println("plugin call: the plugin cannot be loaded: " + e.getMessage());
            return 1;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-call-timer");
            t.setDaemon(true);
            return t;
        });
        Recording recording = new Recording(plugin);
        try (PluginChain chain = new PluginChain(List.of(new PluginChain.Entry(recording, pc.timeout(), null, pc.failureMode())), timer)) {
            out.println("request (what the router sends for this connection):");
            out.println(new String(PluginJson.requestBytes(request), StandardCharsets.UTF_8));
            ChainResult result = call(chain, request);
            out.println("response (decoded as the router decodes it):");
            if (recording.error != null) {
                out.println("  none: the call failed: " + LogText.controls(String.valueOf(recording.error), LogText.PLUGIN_CAP));
            } else if (recording.response != null) {
                out.println(new String(PluginJson.responseBytes(recording.response), StandardCharsets.UTF_8));
            } else {
                out.println("  none: no answer within " + pc.timeout().toMillis() + " ms (--timeout)");
            }
            List<String> findings = recording.response == null ? List.of() : check(request, recording.response);
            out.println("contract: " + (findings.isEmpty() ? (recording.response == null ? "not checked (no response)" : "ok") : ""));
            findings.forEach(f -> out.println("  - " + f));
            out.println("the router would: " + outcome(result, pc) + (recording.response == null && !result.failedClosed()
                    ? " (the call failed; with failure_mode open the router skips the plugin)" : ""));
            int status = recording.response == null ? 1 : 0;
            if (count > 1) {
                status = Math.max(status, load(chain, request, count, recording, out));
            }
            return status;
        } finally {
            timer.shutdownNow();
        }
    }

    private static PluginConfig pluginConfig(Args a) throws ConfigException {
        String timeout = a.get("timeout", "1s");
        String entry = a.has("wasm")
                ? "  - {name: workbench, type: wasm, timeout: \"" + timeout + "\", wasm: {path: " + quote(Path.of(a.get("wasm", "")).toAbsolutePath().toString()) + "}}\n"
                : "  - {name: workbench, type: grpc, timeout: \"" + timeout + "\", grpc: {address: " + quote(a.get("grpc", "")) + "}}\n";
        String yaml = "routing: {default: {strategy: random, backends: [{host: x, port: 1}]}}\nplugins:\n" + entry;
        return ConfigLoader.parse(yaml, "plugin call", false).plugins().get(0);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The router's request: from a file, or routed as the router routes (a config's routing, or the given candidates). */
    private static ConnectRequest request(Args a) throws ConfigException, IOException, PluginJsonException {
        if (a.has("request")) {
            byte[] bytes = Files.readAllBytes(Path.of(a.get("request", "")));
            return PluginJson.readRequest(PluginJson.newReader(), bytes, bytes.length);
        }
        String sni = a.get("sni", "play.example.com");
        String username = a.get("username", "player");
        String uuid = UUID.fromString(a.get("uuid", "00000000-0000-0000-0000-000000000001")).toString();
        ConnectEvent event = new ConnectEvent(sni, "", "hyrouter-plugin-call", 0, uuid, username, a.get("language", "en-US"), false);
        RouterConfig config;
        if (a.has("config")) {
            config = ConfigLoader.load(Path.of(a.get("config", "")));
        } else {
            StringBuilder y = new StringBuilder("routing: {default: {strategy: round_robin, backends: [");
            String[] list = a.get("candidates", "play.example.com:5520").split(",");
            for (int i = 0; i < list.length; i++) {
                String c = list[i].trim();
                int colon = c.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--candidates: " + c + " is not HOST:PORT");
                }
                y.append(i == 0 ? "" : ", ").append("{host: ").append(quote(c.substring(0, colon))).append(", port: ")
                        .append(c.substring(colon + 1)).append('}');
            }
            config = ConfigLoader.parse(y.append("]}}\n").toString(), "--candidates", false);
        }
        // Static backends only: a discovered pool is reported as the router reports a discovery error.
        RoutingEngine engine = RoutingCompiler.compile(config.routing(), DiscoveryResolver.NONE);
        RoutingResult r = new RoutingResult();
        engine.decide(RoutingRequest.of(sni, uuid, username), r);
        boolean ok = r.ok();
        return new ConnectRequest(event, ok ? r.strategy().configName() : "", ok ? r.candidates() : null, ok ? r.selectedIndex() : -1,
                ok ? r.backend() : new Backend("", 0), null);
    }

    private static ChainResult call(PluginChain chain, ConnectRequest q) {
        try {
            return chain.run(q.event(), q.strategy(), q.candidates(), q.selectedIndex(), q.backend().host().isEmpty() ? null : q.backend())
                    .get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("the plugin chain did not finish: " + e, e);
        }
    }

    /** What the router makes of the response, beyond what decoding already refused. */
    static List<String> check(ConnectRequest q, ConnectResponse r) {
        List<String> out = new ArrayList<>();
        if (r.unknownFields() != null) {
            out.add("fields outside the contract, ignored by the router: " + String.join(", ", r.unknownFields()));
        }
        if (r.deny() && (r.denyReason() == null || r.denyReason().isEmpty())) {
            out.add("deny without deny_reason: the player is told nothing of why");
        }
        if (r.deny() && (r.candidates() != null || r.selectedIndex() != null || r.backend() != null || r.referralContent() != null)) {
            out.add("deny with routing fields: a denial ends the chain, the routing fields are ignored");
        }
        List<Backend> candidates = r.candidates() != null && !r.candidates().isEmpty() ? r.candidates() : q.candidates();
        if (r.candidates() != null) {
            for (int i = 0; i < r.candidates().size(); i++) {
                String problem = backendProblem(r.candidates().get(i));
                if (problem != null) {
                    out.add("candidates[" + i + "] " + problem);
                }
            }
        }
        if (r.selectedIndex() != null) {
            int n = candidates == null ? 0 : candidates.size();
            if (r.selectedIndex() < 0 || r.selectedIndex() >= n) {
                out.add("selected_index " + r.selectedIndex() + " is out of range (" + (n == 0 ? "there are no candidates"
                        : "0.." + (n - 1)) + "): the router ignores it");
            }
        }
        if (r.backend() != null) {
            String problem = backendProblem(r.backend());
            if (problem != null) {
                out.add("backend " + problem);
            }
        }
        if (r.referralContent() != null && r.referralContent().length > EnvelopeLayout.maxContentLength(true)) {
            out.add("referral_content of " + r.referralContent().length + " bytes is over the " + EnvelopeLayout.maxContentLength(true)
                    + " bytes a signed referral envelope carries (" + EnvelopeLayout.maxContentLength(false)
                    + " unsigned): the router sends the referral with no content");
        }
        return out;
    }

    private static String backendProblem(Backend b) {
        if (b.host().isEmpty()) {
            return "has no host: the router treats it as no backend";
        }
        if (b.hostUtf8().length > ConnectLimits.MAX_HOST) {
            return "host is " + b.hostUtf8().length + " bytes, over the " + ConnectLimits.MAX_HOST + " a referral carries: the player gets"
                    + " a routing error";
        }
        if (b.port() < 1 || b.port() > 65535) {
            return "port " + b.port() + " is outside 1..65535" + (b.port() < 0 || b.port() > 65535 ? ": the player gets a routing error" : "");
        }
        return null;
    }

    private static String outcome(ChainResult r, PluginConfig pc) {
        if (r.failedClosed()) {
            return "disconnect: plugin unavailable (" + r.unavailable().label() + ", failure_mode closed)";
        }
        if (r.shed()) {
            return "disconnect: server busy (the plugin refused the call as overloaded)";
        }
        if (r.denied()) {
            return "disconnect: denied \"" + LogText.controls(String.valueOf(r.denyReason()), LogText.PLUGIN_CAP) + "\"";
        }
        if (r.backend() == null || r.backend().host().isEmpty()) {
            return "disconnect: no backend (the routing error message)";
        }
        byte[] c = r.referralContent();
        return "refer to " + r.backend().host() + ":" + r.backend().port() + (c == null || c.length == 0 ? " with no referral content"
                : " with referral content of " + c.length + " bytes (\"" + LogText.controls(new String(c, StandardCharsets.UTF_8), 256)
                + "\")");
    }

    /** {@code count - 1} more calls, one at a time: latency percentiles and, for WASM, memory growth. */
    private static int load(PluginChain chain, ConnectRequest q, int count, Recording plugin, PrintStream out) {
        long memoryBefore = wasmMemory(plugin);
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        int failed = 0;
        long start = System.nanoTime();
        for (int i = 1; i < count; i++) {
            long t0 = System.nanoTime();
            plugin.response = null;
            plugin.error = null;
            call(chain, q);
            h.recordValue(Math.min(System.nanoTime() - t0, TimeUnit.SECONDS.toNanos(10)));
            if (plugin.response == null) {
                failed++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(java.util.Locale.ROOT, "load: %d calls after the first in %.2f s (%.0f calls/s, one at a time), %d failed; latency us"
                + " p50=%d p99=%d p999=%d max=%d%n", count - 1, seconds, (count - 1) / seconds, failed, h.getValueAtPercentile(50) / 1000,
                h.getValueAtPercentile(99) / 1000, h.getValueAtPercentile(99.9) / 1000, h.getMaxValue() / 1000);
        long memoryAfter = wasmMemory(plugin);
        if (memoryAfter >= 0) {
            out.printf(java.util.Locale.ROOT, "wasm memory: %d KiB after the first call, %d KiB after %d calls%s%n", memoryBefore / 1024,
                    memoryAfter / 1024, count, memoryAfter > memoryBefore ? " (it grew: a plugin that keeps growing is recycled at"
                    + " wasm.max_memory_bytes)" : " (no growth)");
        }
        return failed > 0 ? 1 : 0;
    }

    /** The WASM runtime's memory high-water mark, -1 for another runtime. */
    private static long wasmMemory(Plugin plugin) {
        long[] seen = {-1};
        plugin.reportMetrics(new PluginMetrics() {
            @Override
            public void counter(String name, String help, long value, String... labels) {
            }

            @Override
            public void gauge(String name, String help, double value, String... labels) {
                if (name.equals("hyrouter_wasm_memory_high_water_bytes")) {
                    seen[0] = (long) value;
                }
            }
        });
        return seen[0];
    }

    /** Passes calls through and keeps the last response or error for printing. */
    private static final class Recording implements Plugin {
        private final Plugin delegate;
        volatile ConnectResponse response;
        volatile Throwable error;

        Recording(Plugin delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public CompletionStage<ConnectResponse> onConnect(ConnectRequest request) {
            return delegate.onConnect(request).whenComplete((r, e) -> {
                response = r;
                error = e == null ? null : dev.hyrouter.util.Failures.unwrap(e);
            });
        }

        @Override
        public void reportMetrics(PluginMetrics out) {
            delegate.reportMetrics(out);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
