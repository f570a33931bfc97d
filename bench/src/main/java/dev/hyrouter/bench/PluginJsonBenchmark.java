package dev.hyrouter.bench;

import com.dslplatform.json.JsonReader;
import com.dslplatform.json.JsonWriter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.json.PluginJson;
import dev.hyrouter.routing.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The plugin documents: encoding a ConnectRequest and decoding a ConnectResponse, with the
 * router's codec (dsl-json's reader and writer, reused per thread, Go {@code encoding/json} bytes)
 * and, in the same run, with Jackson databind (records mirroring the same JSON, one shared
 * ObjectMapper, converted from and to the router's model as the router would have to). This is
 * the comparison that chose dsl-json.
 */
public class PluginJsonBenchmark extends SuiteDefaults {
    private static final ObjectMapper JACKSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final JsonWriter writer = PluginJson.newWriter();
    private final JsonReader<Object> reader = PluginJson.newReader();
    private ConnectRequest request;
    private byte[] response;

    @Setup
    public void setup() {
        request = new ConnectRequest(new ConnectEvent("play.example.com", "kqsHpI5PZwUhssHT1LILXXhjub3M6nDXW-4a776VEbs", "2026.01.29-abc", 0,
                "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "Steve", "de-DE", true), "round_robin",
                List.of(new Backend("a.internal", 5521, 1, Map.of("label.region", "eu")), new Backend("b.internal", 5522, 2, null)), 0,
                new Backend("a.internal", 5521, 1, Map.of("label.region", "eu")), null);
        response = PluginJson.responseBytes(ConnectResponse.EMPTY.withSelectedIndex(1).withBackend(new Backend("play.hyvane.com", 5520))
                .withReferralContent("wasm-plugin".getBytes()));
    }

    @Benchmark
    public int encodeRequestDslJson() {
        PluginJson.writeRequest(writer, request);
        return writer.size();
    }

    @Benchmark
    public ConnectResponse decodeResponseDslJson() throws Exception {
        return PluginJson.readResponse(reader, response, response.length);
    }

    @Benchmark
    public byte[] encodeRequestJackson() throws Exception {
        return JACKSON.writeValueAsBytes(JRequest.of(request));
    }

    @Benchmark
    public ConnectResponse decodeResponseJackson() throws Exception {
        return JACKSON.readValue(response, JResponse.class).toResponse();
    }

    record JBackend(String host, int port, int weight, Map<String, String> meta) {
        static JBackend of(Backend b) {
            return new JBackend(b.host(), b.port(), b.weight(), b.meta() == null || b.meta().isEmpty() ? null : b.meta());
        }

        Backend toBackend() {
            return new Backend(host == null ? "" : host, port, weight, meta);
        }
    }

    record JEvent(String sni,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) String client_cert_fingerprint,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) String protocol_hash,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) int client_type,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) String uuid,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) String username,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) String language,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean identity_token_present) {
    }

    record JRequest(JEvent event, String strategy, List<JBackend> candidates, int selected_index, JBackend backend,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) byte[] referral_content) {
        static JRequest of(ConnectRequest r) {
            ConnectEvent e = r.event();
            List<JBackend> candidates = null;
            if (r.candidates() != null) {
                candidates = new ArrayList<>(r.candidates().size());
                for (Backend b : r.candidates()) {
                    candidates.add(JBackend.of(b));
                }
            }
            return new JRequest(new JEvent(e.sni(), e.clientCertFingerprint(), e.protocolHash(), e.clientType(), e.uuid(), e.username(),
                    e.language(), e.identityTokenPresent()), r.strategy(), candidates, r.selectedIndex(), JBackend.of(r.backend()),
                    r.referralContent());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record JResponse(boolean deny, String deny_reason, List<JBackend> candidates, Integer selected_index, JBackend backend,
            byte[] referral_content) {
        ConnectResponse toResponse() {
            List<Backend> list = null;
            if (candidates != null) {
                list = new ArrayList<>(candidates.size());
                for (JBackend b : candidates) {
                    list.add(b.toBackend());
                }
            }
            return new ConnectResponse(deny, deny_reason, list, selected_index, backend == null ? null : backend.toBackend(), referral_content);
        }
    }
}
