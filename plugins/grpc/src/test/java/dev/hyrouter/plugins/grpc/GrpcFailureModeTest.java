package dev.hyrouter.plugins.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ServerAnswer;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.FailureKind;
import dev.hyrouter.plugin.PluginStats;
import dev.hyrouter.plugins.sdk.PluginServer;
import dev.hyrouter.plugins.sdk.example.ExamplePluginServer;
import dev.hyrouter.server.TestRouter;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code failure_mode} over real QUIC and real gRPC plugin servers that are down, hang, are slow,
 * reset, answer garbage or sit behind an open circuit: {@code closed} refuses the connection with
 * {@code messages.disconnect.plugin_unavailable}, {@code open} skips the plugin as the original does.
 */
class GrpcFailureModeTest {
    private static final String ROUTES = """
            quic: {event_loops: 2}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            messages:
              disconnect:
                plugin_unavailable: "Login checks are down (${error}), try again soon"
            routing:
              default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}
            plugins:
            """;

    private static String gate(int port, String mode, String timeout, String extra) {
        return "  - name: gate\n    type: grpc\n    stage: deny\n    failure_mode: " + mode + "\n    timeout: " + timeout
                + "\n    grpc:\n      address: 127.0.0.1:" + port + "\n" + extra;
    }

    private static String message(String kind) {
        return "Login checks are down (" + kind + "), try again soon";
    }

    private static ServerAnswer ask(TestRouter r) throws Exception {
        return r.run("play.example.com").answer();
    }

    @Test
    void closedRefusesWhenThePluginIsDownAndOpenSkipsIt() throws Exception {
        try (ClosedPort down = new ClosedPort()) {
            try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + gate(down.port(), "closed", "30s", "      circuit_breaker: {failures: 0}\n"))) {
                assertThat(ask(r).reason()).isEqualTo(message("error"));
                // An undecodable Connect meets the same closed door.
                byte[] garbage = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(3).writeIntLE(0).writeBytes(new byte[] {1, 2, 3}));
                assertThat(r.run(r.request("play.example.com").withRawBytes(garbage)).answer().reason()).isEqualTo(message("error"));
                PluginStats s = r.server.core().plugins().stats().get(0);
                assertThat(s.failures(FailureKind.ERROR, true)).isEqualTo(2);
                assertThat(r.server.stats().outcomes(dev.hyrouter.pipeline.OutcomeKind.PLUGIN_UNAVAILABLE)).isEqualTo(2);
            }
            try (TestRouter r = TestRouter.startWithRuntimes(ROUTES + gate(down.port(), "open", "30s", "      circuit_breaker: {failures: 0}\n"))) {
                assertThat(ask(r).host()).isEqualTo("lobby.internal");
                assertThat(r.server.core().plugins().stats().get(0).failures(FailureKind.ERROR, false)).isEqualTo(1);
            }
        }
    }

    @Test
    void closedRefusesWhenThePluginHangsIsSlowResetsOrAnswersGarbage() throws Exception {
        Object[][] cases = {
            {StrictJsonServer.Fault.HANG, "timeout"},
            {StrictJsonServer.Fault.SLOW, "timeout"}, // answers after 500 ms, past the 200 ms budget
            {StrictJsonServer.Fault.RESET, "error"},
            {StrictJsonServer.Fault.GARBAGE, "error"},
        };
        for (Object[] c : cases) {
            try (StrictJsonServer server = new StrictJsonServer(q -> ConnectResponse.EMPTY, (StrictJsonServer.Fault) c[0]);
                 TestRouter r = TestRouter.startWithRuntimes(ROUTES + gate(server.port(), "closed", "200ms", "      circuit_breaker: {failures: 0}\n"))) {
                assertThat(ask(r).reason()).as("fault %s", c[0]).isEqualTo(message((String) c[1]));
            }
            try (StrictJsonServer server = new StrictJsonServer(q -> ConnectResponse.EMPTY, (StrictJsonServer.Fault) c[0]);
                 TestRouter r = TestRouter.startWithRuntimes(ROUTES + gate(server.port(), "open", "200ms", "      circuit_breaker: {failures: 0}\n"))) {
                assertThat(ask(r).host()).as("fault %s with failure_mode open", c[0]).isEqualTo("lobby.internal");
            }
        }
    }

    @Test
    void closedRefusesWhileTheCircuitIsOpen() throws Exception {
        try (ClosedPort down = new ClosedPort();
             TestRouter r = TestRouter.startWithRuntimes(ROUTES + gate(down.port(), "closed", "30s",
                     "      circuit_breaker: {failures: 2, cooldown: 10m}\n"))) {
            assertThat(ask(r).reason()).isEqualTo(message("error"));
            assertThat(ask(r).reason()).isEqualTo(message("error"));
            assertThat(ask(r).reason()).isEqualTo(message("circuit_open"));
            PluginStats s = r.server.core().plugins().stats().get(0);
            assertThat(s.failures(FailureKind.CIRCUIT_OPEN, true)).isEqualTo(1);
            assertThat(((GrpcPlugin) r.server.core().plugins().plugin("gate")).skippedByBreaker()).isEqualTo(1);
        }
    }

    @Test
    void theExamplePluginServerSeesAnUndecodableConnectAndStillDecides() throws Exception {
        List<ConnectRequest> seen = new CopyOnWriteArrayList<>();
        try (PluginServer example = PluginServer.start(new InetSocketAddress("127.0.0.1", 0), q -> {
                seen.add(q);
                return ExamplePluginServer.decide(q);
            });
             TestRouter r = TestRouter.startWithRuntimes(ROUTES + gate(example.port(), "open", "30s", ""))) {
            assertThat(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("deny"))).answer().reason())
                    .isEqualTo("denied by grpc plugin");
            byte[] garbage = ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(3).writeIntLE(0).writeBytes(new byte[] {1, 2, 3}));
            ServerAnswer a = r.run(r.request("play.example.com").withRawBytes(garbage)).answer();
            assertThat(a.host()).isEqualTo("lobby.internal");
            assertThat(seen).hasSize(2);
            assertThat(seen.get(1).event().connectUndecodable()).isTrue();
            assertThat(seen.get(1).event().sni()).isEqualTo("play.example.com");
            assertThat(seen.get(1).event().username()).isEmpty();
            assertThat(seen.get(0).event().connectUndecodable()).isFalse();
        }
    }
}
