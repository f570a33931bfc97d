package dev.hyrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.PluginConfig;
import dev.hyrouter.plugin.Plugin;
import dev.hyrouter.plugin.PluginFactory;
import dev.hyrouter.routing.DiscoveryResolver;
import dev.hyrouter.testing.Await;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real router on a loopback port with a client, for end-to-end tests. */
public final class TestRouter implements AutoCloseable {
    /** Routing for tests of the intake itself: per-source limits off, one default backend {@code backend.internal:5520}. */
    public static final String ONE_BACKEND = """
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              default: {strategy: round_robin, backends: [{host: backend.internal, port: 5520}]}
            """;

    public final RouterServer server;
    public final HytaleClient client;

    private TestRouter(RouterServer server, HytaleClient client) {
        this.server = server;
        this.client = client;
    }

    /** Starts from YAML (listen on 127.0.0.1:0 is prepended); plugins of type wasm resolve by name to {@code plugins}. */
    public static TestRouter start(String yaml, Map<String, Plugin> plugins) throws Exception {
        String full = "listen: \"127.0.0.1:0\"\n" + yaml;
        Map<PluginConfig.PluginType, PluginFactory> factories = wasmPlugins(config -> {
            Plugin p = plugins.get(config.name());
            if (p == null) {
                throw new IllegalArgumentException("no test plugin " + config.name());
            }
            return p;
        });
        RouterServer server = RouterServer.start(ConfigLoader.parse(withoutShedding(full), "test.yaml", false), factories, DiscoveryResolver.NONE);
        return new TestRouter(server, HytaleClient.create(2));
    }

    /** Plugin runtimes for tests: every plugin of type wasm is made by {@code create} (in-process test plugins). */
    public static Map<PluginConfig.PluginType, PluginFactory> wasmPlugins(java.util.function.Function<PluginConfig, Plugin> create) {
        Map<PluginConfig.PluginType, PluginFactory> factories = new HashMap<>();
        factories.put(PluginConfig.PluginType.WASM, new PluginFactory() {
            @Override
            public PluginConfig.PluginType type() {
                return PluginConfig.PluginType.WASM;
            }

            @Override
            public Plugin create(PluginConfig config) {
                return create.apply(config);
            }
        });
        return factories;
    }

    public static TestRouter start(String yaml) throws Exception {
        return start(yaml, Map.of());
    }

    /** Starts with the plugin runtimes found on the class path (real WASM or gRPC plugins). */
    public static TestRouter startWithRuntimes(String yaml) throws Exception {
        String full = "listen: \"127.0.0.1:0\"\n" + yaml;
        RouterServer server = RouterServer.start(ConfigLoader.parse(withoutShedding(full), "test.yaml", false));
        return new TestRouter(server, HytaleClient.create(2));
    }

    /**
     * Admission by queueing delay ({@code limits.handshake_queue_target}) off unless the test's
     * config sets it: it sheds whenever the router falls behind, and on a busy test machine with
     * a burst of sessions it does, by design, which would fail tests about other features at
     * random. OverloadSheddingTest sets it and tests it.
     */
    static String withoutShedding(String yaml) {
        if (yaml.contains("handshake_queue_target")) {
            return yaml;
        }
        java.util.regex.Matcher flow = java.util.regex.Pattern.compile("(?m)^limits:\\s*\\{").matcher(yaml);
        if (flow.find()) {
            String rest = yaml.substring(flow.end());
            return yaml.substring(0, flow.end()) + (rest.stripLeading().startsWith("}") ? "handshake_queue_target: 0s" : "handshake_queue_target: 0s, ")
                    + rest;
        }
        java.util.regex.Matcher block = java.util.regex.Pattern.compile("(?m)^limits:\\s*$").matcher(yaml);
        if (block.find()) {
            return yaml.substring(0, block.end()) + "\n  handshake_queue_target: 0s" + yaml.substring(block.end());
        }
        return yaml + "\nlimits: {handshake_queue_target: 0s}\n";
    }

    /**
     * Starts from a whole config file's text as the run command would (plugin runtimes and
     * discovery providers from the class path, the start-up wait for discovery), with its
     * {@code listen} line replaced by a free loopback port; {@code fileName} is the name relative
     * paths in it are read against.
     */
    public static TestRouter startConfigFile(String yaml, String fileName) throws Exception {
        String text = yaml.replaceAll("(?m)^listen:.*$", "listen: \"127.0.0.1:0\"");
        if (!text.contains("listen:")) {
            text = "listen: \"127.0.0.1:0\"\n" + text;
        }
        RouterServer server = RouterServer.start(ConfigLoader.parse(text, fileName, false));
        return new TestRouter(server, HytaleClient.create(2));
    }

    public ClientRequest request(String sni) {
        // Bounds on a hang, not speed claims: long enough for a saturated CI machine.
        return ClientRequest.to(server.address(), sni).withTimeout(Duration.ofSeconds(30));
    }

    public SessionResult run(ClientRequest r) throws Exception {
        return client.run(r).get(60, TimeUnit.SECONDS);
    }

    public SessionResult run(String sni) throws Exception {
        return run(request(sni));
    }

    /**
     * Runs {@code count} sessions to {@code sni} with {@code concurrency} in flight (closed loop) and
     * returns how many were answered with a referral to {@code host}; every other ending (failure,
     * Disconnect, another host) is the difference to {@code count}.
     */
    public int referredTo(String sni, String host, int count, int concurrency) throws Exception {
        java.util.concurrent.atomic.AtomicInteger referred = new java.util.concurrent.atomic.AtomicInteger();
        dev.hyrouter.client.ClosedLoop.run(count, concurrency, () -> client.run(request(sni)), (SessionResult s, Throwable e, long nanos) -> {
            if (e == null && s.answer().isReferral() && host.equals(s.answer().host())) {
                referred.incrementAndGet();
            }
        }).get(30, TimeUnit.MINUTES); // a bound on a hang, long enough for the long fault runs
        return referred.get();
    }

    /** Waits until the server has no open connection or stream left. */
    public void assertNothingLeaks() throws InterruptedException {
        try {
            Await.until("no open connection or stream", () -> server.stats().connectionsOpen() == 0 && server.stats().streamsOpen() == 0);
        } catch (AssertionError stillOpen) {
            // Reported below with the counters.
        }
        assertThat(server.stats().connectionsOpen()).as("open connections: " + server.stats()).isZero();
        assertThat(server.stats().streamsOpen()).as("open streams: " + server.stats()).isZero();
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }

    /** Live access-log agent threads in this process (one per router's log, one per warm-up's twin of it). */
    static int accessLogThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("hyrouter-access-log") && t.isAlive())
                .count();
    }
}
