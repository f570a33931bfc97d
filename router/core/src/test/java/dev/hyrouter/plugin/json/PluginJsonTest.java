package dev.hyrouter.plugin.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dslplatform.json.JsonReader;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.routing.Backend;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden bytes: what Go's encoding/json writes for the original's structs. */
class PluginJsonTest {
    private final JsonReader<Object> reader = PluginJson.newReader();

    private static String json(ConnectRequest r) {
        return new String(PluginJson.requestBytes(r), StandardCharsets.UTF_8);
    }

    @Test
    void fullRequestMatchesGoBytes() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("z", "1");
        meta.put("a", "<&>");
        Backend a = new Backend("a", 5520, 0, null);
        Backend b = new Backend("b", 5521, 3, meta);
        ConnectRequest r = new ConnectRequest(new ConnectEvent("play.example.com", "fp", "hash", 1, "uuid", "Steve", "de-DE", true),
                "round_robin", List.of(a, b), 1, b, "wasm".getBytes());
        assertThat(json(r)).isEqualTo("{\"event\":{\"sni\":\"play.example.com\",\"client_cert_fingerprint\":\"fp\",\"protocol_hash\":\"hash\","
                + "\"client_type\":1,\"uuid\":\"uuid\",\"username\":\"Steve\",\"language\":\"de-DE\",\"identity_token_present\":true},"
                + "\"strategy\":\"round_robin\",\"candidates\":[{\"host\":\"a\",\"port\":5520,\"weight\":0,\"meta\":null},"
                + "{\"host\":\"b\",\"port\":5521,\"weight\":3,\"meta\":{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":\"1\"}}],\"selected_index\":1,"
                + "\"backend\":{\"host\":\"b\",\"port\":5521,\"weight\":3,\"meta\":{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":\"1\"}},"
                + "\"referral_content\":\"d2FzbQ==\"}");
    }

    @Test
    void emptyFieldsAreOmittedAndNilSlicesAreNull() {
        ConnectRequest r = new ConnectRequest(new ConnectEvent("", "", "", 0, "", "", "", false), "", null, -1, null, new byte[0]);
        assertThat(json(r)).isEqualTo("{\"event\":{\"sni\":\"\"},\"strategy\":\"\",\"candidates\":null,\"selected_index\":-1,"
                + "\"backend\":{\"host\":\"\",\"port\":0,\"weight\":0,\"meta\":null}}");
    }

    @Test
    void stringsAreEscapedLikeGo() {
        ConnectRequest r = new ConnectRequest(new ConnectEvent("q\"b\\s\u0001\n", "", "", 0, "", "Jürgen\u2028\uD83D\uDE00\uD800", "", false),
                "", null, 0, new Backend("", 0, 0, Map.of()), null);
        assertThat(json(r)).isEqualTo("{\"event\":{\"sni\":\"q\\\"b\\\\s\\u0001\\n\",\"username\":\"Jürgen\\u2028\uD83D\uDE00\uFFFD\"},"
                + "\"strategy\":\"\",\"candidates\":null,\"selected_index\":0,\"backend\":{\"host\":\"\",\"port\":0,\"weight\":0,\"meta\":{}}}");
    }

    @Test
    void requestRoundTripsThroughTheReader() throws Exception {
        ConnectRequest r = new ConnectRequest(new ConnectEvent("s", "f", "h", 1, "u", "n", "l", true), "p2c",
                List.of(new Backend("a", 1, 2, Map.of("k", "v"))), 0, new Backend("a", 1, 2, Map.of("k", "v")), new byte[] {1, 2});
        byte[] bytes = PluginJson.requestBytes(r);
        ConnectRequest back = PluginJson.readRequest(reader, bytes, bytes.length);
        assertThat(back.event()).isEqualTo(r.event());
        assertThat(back.candidates()).isEqualTo(r.candidates());
        assertThat(back.backend()).isEqualTo(r.backend());
        assertThat(back.referralContent()).containsExactly(1, 2);
        assertThat(back.strategy()).isEqualTo("p2c");
    }

    private ConnectResponse read(String json) throws PluginJsonException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return PluginJson.readResponse(reader, b, b.length);
    }

    @Test
    void responsesAreReadTolerantly() throws Exception {
        ConnectResponse r = read(" {\"Deny\":true, \"deny_reason\":\"no\", \"extra\":{\"nested\":[1,{\"x\":null}]}, \"candidates\":null,"
                + " \"selected_index\":null, \"backend\":{\"host\":\"h\",\"port\":7,\"unknown\":true,\"meta\":{\"a\":\"b\"}},"
                + " \"referral_content\":\"aGk=\"} \n");
        assertThat(r.deny()).isTrue();
        assertThat(r.denyReason()).isEqualTo("no");
        assertThat(r.candidates()).isNull();
        assertThat(r.selectedIndex()).isNull();
        assertThat(r.backend()).isEqualTo(new Backend("h", 7, 0, Map.of("a", "b")));
        assertThat(r.referralContent()).isEqualTo("hi".getBytes());
        assertThat(read("{}")).isEqualTo(ConnectResponse.EMPTY);
        ConnectResponse c = read("{\"candidates\":[{\"host\":\"x\",\"port\":1},{\"host\":\"y\",\"port\":2,\"weight\":5}],\"selected_index\":1}");
        assertThat(c.candidates()).extracting(Backend::host).containsExactly("x", "y");
        assertThat(c.selectedIndex()).isEqualTo(1);
        assertThat(read("{\"referral_content\":\"\"}").referralContent()).isEmpty();
    }

    @Test
    void invalidDocumentsAreErrors() {
        for (String bad : new String[] {"", "nope", "[]", "{\"deny\":tru}", "{\"deny\":true", "{\"deny\":true} x", "{\"port\"}",
                "{\"backend\":{\"port\":\"80\"}}", "{\"selected_index\":1.5}", "{\"referral_content\":\"***\"}", "{\"deny\":1}"}) {
            assertThatThrownBy(() -> read(bad)).as(bad).isInstanceOf(PluginJsonException.class);
        }
    }

    @Test
    void responseBytesMatchGo() {
        assertThat(new String(PluginJson.responseBytes(ConnectResponse.EMPTY))).isEqualTo("{\"deny\":false}");
        assertThat(new String(PluginJson.responseBytes(ConnectResponse.denyWith("denied by grpc plugin"))))
                .isEqualTo("{\"deny\":true,\"deny_reason\":\"denied by grpc plugin\"}");
        assertThat(new String(PluginJson.responseBytes(ConnectResponse.EMPTY.withSelectedIndex(0).withBackend(new Backend("play.hyvane.com", 5520)).withReferralContent("grpc-plugin".getBytes())))).isEqualTo("{\"deny\":false,\"selected_index\":0,\"backend\":{\"host\":\"play.hyvane.com\","
                        + "\"port\":5520,\"weight\":0,\"meta\":null},\"referral_content\":\"Z3JwYy1wbHVnaW4=\"}");
    }
}
