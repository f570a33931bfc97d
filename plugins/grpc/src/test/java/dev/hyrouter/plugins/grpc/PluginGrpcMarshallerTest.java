package dev.hyrouter.plugins.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.plugin.json.PluginJson;
import dev.hyrouter.plugins.sdk.PluginGrpc;
import dev.hyrouter.routing.Backend;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON marshallers with their per-thread buffers: the bytes on the wire are PluginJson's, a
 * request drains into the framer whole, and messages of any size read whole, however the stream
 * hands them over (one byte per read, no known length) and one after the other on one thread.
 */
class PluginGrpcMarshallerTest {
    private static ConnectRequest request(String sni) {
        return new ConnectRequest(new ConnectEvent(sni, "", "hash", 0, "uuid", "Steve", "en-US", false), "round_robin",
                List.of(new Backend("a", 5520)), 0, new Backend("a", 5520), null);
    }

    private static ConnectResponse response(int candidates) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            list.add(new Backend("backend-" + i + ".example.internal", 5520 + (i % 100)));
        }
        return new ConnectResponse(false, null, list, candidates > 0 ? candidates - 1 : null, null, null);
    }

    /** A stream that hides its length and hands over one byte per read. */
    private static InputStream dribble(byte[] b) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int available() {
                return 0;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws java.io.IOException {
                return super.read(buf, off, Math.min(len, 1));
            }
        };
    }

    @Test
    void aRequestDrainsItsExactJsonBytes() throws Exception {
        for (String sni : List.of("play.example.com", "x".repeat(3000), "b.example.com")) {
            InputStream s = PluginGrpc.REQUEST.stream(request(sni));
            assertThat(s).isInstanceOf(Drainable.class).isInstanceOf(KnownLength.class);
            assertThat(s.available()).isEqualTo(PluginJson.requestBytes(request(sni)).length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(((Drainable) s).drainTo(out)).isEqualTo(out.size());
            assertThat(out.toByteArray()).isEqualTo(PluginJson.requestBytes(request(sni)));
            assertThat(s.read()).isEqualTo(-1);
        }
    }

    @Test
    void responsesOfAnySizeParseWholeOneAfterTheOther() {
        // 0 and 3 fit the scratch array, 100 outgrows it, 3,000 outgrows what a thread keeps; then small again.
        for (int n : new int[] {0, 3, 100, 3000, 3, 0}) {
            byte[] wire = PluginJson.responseBytes(response(n));
            ConnectResponse known = PluginGrpc.RESPONSE.parse(new ByteArrayInputStream(wire));
            ConnectResponse unknown = PluginGrpc.RESPONSE.parse(dribble(wire));
            for (ConnectResponse r : List.of(known, unknown)) {
                assertThat(r.candidates() == null ? 0 : r.candidates().size()).as("candidates of %d", n).isEqualTo(n);
                if (n > 0) {
                    assertThat(r.candidates().get(n - 1).host()).isEqualTo("backend-" + (n - 1) + ".example.internal");
                    assertThat(r.selectedIndex()).isEqualTo(n - 1);
                }
            }
        }
    }

    @Test
    void aRequestParsesBackOnTheServerSide() {
        ConnectRequest r = PluginGrpc.REQUEST.parse(dribble(PluginJson.requestBytes(request("round.trip.example"))));
        assertThat(r.event().sni()).isEqualTo("round.trip.example");
        assertThat(r.candidates()).extracting(Backend::host).containsExactly("a");
    }
}
