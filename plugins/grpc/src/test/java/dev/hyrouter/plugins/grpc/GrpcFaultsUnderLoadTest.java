package dev.hyrouter.plugins.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.plugin.PluginStats;
import dev.hyrouter.plugins.sdk.example.ExamplePluginServer;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.Await;
import dev.hyrouter.testing.RunReport;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A gRPC plugin server that is down, slow, resets its streams, answers garbage or accepts calls
 * and never answers, under 64 concurrent sessions (issue 13, item 5). Every session is still
 * answered by the router (the plugin skipped), every failure is counted, the circuit breaker (when
 * on) opens and refuses calls without touching the network, no call stays in flight, and the
 * router's threads do not grow.
 *
 * <p>The normal test command runs {@value #DEFAULT_SESSIONS} sessions per fault; the long run is
 * {@code -Dhyrouter.faultSessions=30000 -Dhyrouter.faultReport=PATH} (router/docs/reliability.md).
 */
class GrpcFaultsUnderLoadTest {
    private static final int DEFAULT_SESSIONS = 256;
    private static final int CONCURRENCY = 64;

    private static final String CONFIG = """
            quic: {event_loops: 2, close_after_answer: 2s}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              default: {strategy: round_robin, backends: [{host: a.internal, port: 5521}]}
            plugins:
            """;

    /**
     * With the default breaker (5 failures, 10 s) most calls are refused without a network round
     * trip once it opens; with the breaker off every call reaches the broken server, which is the
     * sustained load on the gRPC client itself (64 calls hanging until their deadline, streams reset,
     * garbage decoded).
     */
    @ParameterizedTest(name = "{0}, breaker {1}")
    @CsvSource({"down, on", "hang, on", "slow, on", "reset, on", "garbage, on", "down, off", "hang, off", "slow, off", "reset, off",
        "garbage, off"})
    void everySessionIsAnsweredAndEveryFailureCounted(String fault, String breaker) throws Exception {
        int sessions = Integer.getInteger("hyrouter.faultSessions", DEFAULT_SESSIONS);
        try (AutoCloseable server = fault.equals("down") ? new ClosedPort()
                : new StrictJsonServer(ExamplePluginServer::decide, StrictJsonServer.Fault.valueOf(fault.toUpperCase(Locale.ROOT)))) {
            int port = server instanceof ClosedPort c ? c.port() : ((StrictJsonServer) server).port();
            // The deadline is below the slow server's delay.
            String plugin = "  - name: " + fault + "\n    type: grpc\n    timeout: 100ms\n    grpc:\n      address: 127.0.0.1:" + port + "\n"
                    + (breaker.equals("off") ? "      circuit_breaker: {failures: 0}\n" : "");
            try (TestRouter r = TestRouter.startWithRuntimes(CONFIG + plugin)) {
                assertThat(run(r, CONCURRENCY)).isEqualTo(CONCURRENCY);
                PluginStats stats = r.server.core().plugins().stats().get(0);
                GrpcPlugin grpc = (GrpcPlugin) r.server.core().plugins().plugin(fault);
                long calls0 = stats.calls();
                long failures0 = stats.errors() + stats.timeouts();
                long skipped0 = grpc.skippedByBreaker();
                int threads0 = Thread.activeCount();
                long start = System.nanoTime();

                int answered = run(r, sessions);

                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(answered).as("sessions answered with a referral, the plugin skipped").isEqualTo(sessions);
                assertThat(stats.calls() - calls0).isEqualTo(sessions);
                long failures = stats.errors() + stats.timeouts() - failures0;
                assertThat(failures).as("every call failed and was counted").isEqualTo(sessions);
                long skipped = grpc.skippedByBreaker() - skipped0;
                if (breaker.equals("on")) {
                    assertThat(grpc.circuitOpenedCount()).as("the breaker opened").isPositive();
                    assertThat(skipped).as("calls refused by the open circuit without a network round trip").isPositive();
                } else {
                    assertThat(grpc.circuitOpenedCount()).isZero();
                    assertThat(skipped).isZero();
                }
                Await.until("no gRPC call in flight", () -> grpc.inFlight() == 0);
                r.assertNothingLeaks();
                int threads1 = Thread.activeCount();
                assertThat(threads1).as("live threads before %d, after %d", threads0, threads1).isLessThanOrEqualTo(threads0 + 2);
                RunReport.appendRow(REPORT_HEADER, String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.0f | %d | %d | %d | %d | %d→%d |", fault, breaker, sessions, CONCURRENCY,
                        seconds, sessions / seconds, stats.errors(), stats.timeouts(), skipped, grpc.circuitOpenedCount(), threads0, threads1));
            }
        }
    }

    private static int run(TestRouter r, int count) throws Exception {
        return r.referredTo("play.example.com", "a.internal", count, CONCURRENCY);
    }

    private static final String REPORT_HEADER = "| gRPC fault | breaker | sessions | concurrent | seconds | sessions/s | errors (total)"
            + " | timeouts (total) | refused by open circuit | circuit opened | threads |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
}
