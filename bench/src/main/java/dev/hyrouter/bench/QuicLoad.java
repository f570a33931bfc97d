package dev.hyrouter.bench;

import dev.hyrouter.client.ClientRequest;
import dev.hyrouter.client.ClosedLoop;
import dev.hyrouter.client.HytaleClient;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.server.RouterServer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * End-to-end load over real QUIC on loopback: starts a router in this JVM with N event loops and
 * static routing (no plugins), drives it with the Hytale client at a fixed concurrency, and
 * reports sessions/s, client-side session latency, and the server's own answer latency
 * ("Connect complete" to "answer written") from its HdrHistogram.
 *
 * <pre>java -cp bench/target/benchmarks.jar -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled \
 *     dev.hyrouter.bench.QuicLoad [eventLoops=2] [sessions=20000] [concurrency=64] [clientThreads=2] [wasmPlugin.wasm]</pre>
 *
 * With a fifth argument, the router runs that module as a WASM plugin (stage mutate), or, when
 * the argument is {@code grpc}, the example gRPC plugin server on loopback as a deny-stage plugin.
 *
 * Client and server share the machine, so on a small box the numbers are a floor, not a ceiling.
 */
public final class QuicLoad {
    private QuicLoad() {
    }

    public static void main(String[] args) throws Exception {
        int loops = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int clientThreads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String plugin = args.length > 4 ? args[4] : null;
        boolean grpc = "grpc".equals(plugin);
        dev.hyrouter.plugins.sdk.PluginServer grpcServer = grpc
                ? dev.hyrouter.plugins.sdk.PluginServer.start(new java.net.InetSocketAddress("127.0.0.1", 0),
                        dev.hyrouter.plugins.sdk.example.ExamplePluginServer::decide)
                : null;
        String wasm = grpc ? null : plugin;
        String yaml = "listen: \"127.0.0.1:0\"\nquic: {event_loops: " + loops + ", close_after_answer: 2s}\n"
                + "logging: {log_client_ip: false}\n"
                // One client address at thousands of sessions/s: the per-address limits would refuse it, and Retry
                // (auto above 1,000/s per loop) would measure the flood defence rather than the referral path.
                + "limits: {max_connections_per_ip: 0, new_connections_per_ip: 0, retry: never}\n"
                + "referral: {key_id: 1, hmac_secret: \"base64:c2VjcmV0LWtleQ==\"}\n"
                + "routing:\n  routes:\n    - match: {hostnames: [\"play.example.com\", \"*.play.example.com\"]}\n"
                + "      pool: {strategy: round_robin, backends: [{host: a.internal, port: 5521}, {host: b.internal, port: 5522}]}\n"
                + "  default: {strategy: random, backends: [{host: lobby.internal, port: 5520}]}\n"
                + (wasm == null ? "" : "plugins:\n  - {name: bench, type: wasm, stage: mutate, wasm: {path: \"" + wasm + "\"}}\n")
                + (grpc ? "plugins:\n  - {name: bench, type: grpc, stage: deny, grpc: {address: \"127.0.0.1:" + grpcServer.port() + "\"}}\n" : "");
        RouterConfig config = ConfigLoader.parse(yaml, "quic-load.yaml", false);
        // Outcome lines off by default (-Dhyrouter.outcomeLog=info measures the router as deployed).
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.hyrouter.outcome"))
                .setLevel(ch.qos.logback.classic.Level.toLevel(System.getProperty("hyrouter.outcomeLog", "warn")));
        try (RouterServer server = RouterServer.start(config); HytaleClient client = HytaleClient.create(clientThreads)) {
            ClientRequest request = ClientRequest.to(server.address(), "eu.play.example.com").withTimeout(Duration.ofSeconds(10));
            run(client, request, Math.min(5_000, sessions), concurrency, null);
            server.latency().reset();
            Histogram clientLatency = new Histogram(60_000_000_000L, 3);
            long start = System.nanoTime();
            long[] outcome = run(client, request, sessions, concurrency, clientLatency);
            double seconds = (System.nanoTime() - start) / 1e9;
            Histogram serverLatency = server.latency().cumulative();
            System.out.printf(Locale.ROOT, "event_loops=%d sockets=%d epoll=%s sessions=%d concurrency=%d client_threads=%d plugin=%s%n",
                    loops, server.intake().socketCount(), server.intake().epoll(), sessions, concurrency, clientThreads,
                    plugin == null ? "none" : plugin);
            System.out.printf(Locale.ROOT, "ok=%d failed=%d elapsed_s=%.3f sessions_per_s=%.0f%n", outcome[0], outcome[1], seconds,
                    outcome[0] / seconds);
            System.out.printf(Locale.ROOT, "client session latency ms: p50=%.3f p99=%.3f p999=%.3f max=%.3f%n",
                    clientLatency.getValueAtPercentile(50) / 1e6, clientLatency.getValueAtPercentile(99) / 1e6,
                    clientLatency.getValueAtPercentile(99.9) / 1e6, clientLatency.getMaxValue() / 1e6);
            System.out.printf(Locale.ROOT, "server answer latency us (Connect complete -> answer written): count=%d p50=%.1f p99=%.1f p999=%.1f max=%.1f%n",
                    serverLatency.getTotalCount(), serverLatency.getValueAtPercentile(50) / 1e3, serverLatency.getValueAtPercentile(99) / 1e3,
                    serverLatency.getValueAtPercentile(99.9) / 1e3, serverLatency.getMaxValue() / 1e3);
            System.out.println("server stats: " + server.stats());
            server.core().plugins().stats().forEach(st -> System.out.println("plugin stats: " + st));
        } finally {
            if (grpcServer != null) {
                grpcServer.close();
            }
        }
    }

    private static long[] run(HytaleClient client, ClientRequest request, int sessions, int concurrency, Histogram latency) {
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        ClosedLoop.run(sessions, concurrency, () -> client.run(request), (SessionResult r, Throwable e, long nanos) -> {
            if (e != null || !r.answer().isReferral()) {
                failed.increment();
            } else {
                ok.increment();
                if (latency != null) {
                    synchronized (latency) {
                        latency.recordValue(Math.min(r.totalNanos(), 60_000_000_000L));
                    }
                }
            }
        }).join();
        return new long[] {ok.sum(), failed.sum()};
    }
}
