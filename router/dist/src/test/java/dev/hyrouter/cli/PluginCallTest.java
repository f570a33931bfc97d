package dev.hyrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.plugins.sdk.PluginServer;
import dev.hyrouter.plugins.sdk.example.ExamplePluginServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyrouter plugin call}, the plugin workbench, with the runtimes of the runnable jar: the
 * example WASM modules (WAT and C), the SDK's example gRPC server, a module that breaks the
 * contract in every way that still decodes, and a request read from a file.
 */
class PluginCallTest {
    private static final Path EXAMPLES = Path.of("../../plugins/examples");
    private static final Path TEST_MODULES = Path.of("../../plugins/wasm/src/test/wat");

    private record Run(int status, String out, String err) {
    }

    private static Run call(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theWatExampleDeniesTheUsernameDenyAndTheRouterWouldSaySo() {
        Run r = call("plugin", "call", "--wasm", EXAMPLES.resolve("wat-plugin/plugin.wasm").toString(), "--username", "deny");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"username\":\"deny\"").contains("{\"deny\":true,\"deny_reason\":\"denied by wasm plugin\"}")
                .contains("contract: ok").contains("the router would: disconnect: denied \"denied by wasm plugin\"");
    }

    @Test
    void theCExampleUnderACountReportsLatencyMemoryAndItsExtraFields() {
        Run r = call("plugin", "call", "--wasm", EXAMPLES.resolve("c-plugin/plugin.wasm").toString(), "--count", "300",
                "--candidates", "lobby.internal:5520");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"candidates\":[{\"host\":\"lobby.internal\",\"port\":5520")
                .contains("the router would: refer to play.hyvane.com:5520 with referral content of 11 bytes (\"wasm-plugin\")")
                .contains("fields outside the contract, ignored by the router: x_monotonic_ns, x_nonce")
                .containsPattern("load: 299 calls after the first in [0-9.]+ s \\([0-9]+ calls/s, one at a time\\), 0 failed; latency us p50=")
                .containsPattern("wasm memory: [0-9]+ KiB after the first call, [0-9]+ KiB after 300 calls");
    }

    @Test
    void aResponseTheRouterCannotUseIsListedPointByPoint() {
        Run r = call("plugin", "call", "--wasm", TEST_MODULES.resolve("contract-breaker.wasm").toString(), "--candidates",
                "a.example:5520,c.example:5521");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("  - fields outside the contract, ignored by the router: x_debug")
                .contains("  - candidates[0] has no host: the router treats it as no backend")
                .contains("  - candidates[1] port 0 is outside 1..65535")
                .contains("  - selected_index 7 is out of range (0..1): the router ignores it")
                .contains("the router would: refer to a.example:5520 with no referral content");
    }

    @Test
    void theSdkExampleGrpcServerAnswersThroughTheGrpcRuntime() throws Exception {
        try (PluginServer server = PluginServer.startNonBlocking(new InetSocketAddress("127.0.0.1", 0), ExamplePluginServer::decide)) {
            String address = "127.0.0.1:" + server.port();
            Run deny = call("plugin", "call", "--grpc", address, "--username", "deny");
            assertThat(deny.status()).as(deny.err()).isZero();
            assertThat(deny.out()).contains("the router would: disconnect: denied \"denied by grpc plugin\"");
            Run refer = call("plugin", "call", "--grpc", address, "--sni", "grpc.example.com", "--count", "50");
            assertThat(refer.status()).as(refer.err()).isZero();
            assertThat(refer.out()).contains("the router would: refer to play.hyvane.com:5520 with referral content of 11 bytes (\"grpc-plugin\")")
                    .contains("load: 49 calls after the first").doesNotContain("wasm memory");
        }
    }

    @Test
    void aRequestFromAFileAndAPluginThatIsNotThere(@TempDir Path dir) throws Exception {
        Path request = Files.writeString(dir.resolve("request.json"), "{\"event\":{\"sni\":\"x.example\",\"username\":\"deny\"},"
                + "\"strategy\":\"random\",\"candidates\":null,\"selected_index\":-1,\"backend\":{\"host\":\"\",\"port\":0}}");
        Run r = call("plugin", "call", "--wasm", EXAMPLES.resolve("wat-plugin/plugin.wasm").toString(), "--request", request.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"sni\":\"x.example\"").contains("disconnect: denied");

        Run down = call("plugin", "call", "--grpc", "127.0.0.1:1", "--timeout", "500ms");
        assertThat(down.status()).isEqualTo(1);
        assertThat(down.out()).contains("none: the call failed").contains("(the call failed; with failure_mode open the router skips the plugin)");
    }
}
