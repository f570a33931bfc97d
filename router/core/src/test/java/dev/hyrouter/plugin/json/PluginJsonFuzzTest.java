package dev.hyrouter.plugin.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hyrouter.plugin.ConnectResponse;

/**
 * Coverage-guided fuzzing (Jazzer) of the plugin-response reader: the bytes a WASM plugin leaves
 * in its memory or a gRPC plugin server sends back, which the router must read without trusting.
 * Regression inputs: {@code src/test/resources/dev/hyrouter/plugin/json/PluginJsonFuzzTestInputs/}.
 */
class PluginJsonFuzzTest {

    /**
     * Any bytes either read as a response or fail with {@link PluginJsonException} (which the chain
     * counts as a plugin error and skips); nothing else escapes. What reads, written back the way the
     * original writes it, reads back to the same bytes again (no field is lost or invented).
     */
    @FuzzTest(maxDuration = "10m")
    void response(byte[] json) throws PluginJsonException {
        ConnectResponse first;
        try {
            first = PluginJson.readResponse(PluginJson.newReader(), json, json.length);
        } catch (PluginJsonException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        byte[] written = PluginJson.responseBytes(first);
        ConnectResponse second = PluginJson.readResponse(PluginJson.newReader(), written, written.length);
        assertThat(PluginJson.responseBytes(second)).isEqualTo(written);
        assertThat(second.deny()).isEqualTo(first.deny());
    }
}
