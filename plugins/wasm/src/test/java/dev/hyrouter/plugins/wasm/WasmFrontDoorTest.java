package dev.hyrouter.plugins.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.client.ClosedLoop;
import dev.hyrouter.client.SessionResult;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectLayoutV1;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.PacketIds;
import dev.hyrouter.server.TestRouter;
import dev.hyrouter.testing.WireVectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A deny decision cannot be walked around with bytes the codec cannot read: real QUIC, real
 * WASM modules (a maintenance switch that denies everyone, a whitelist that knows one name),
 * every undecodable Connect of the wire-vector fixtures and a few thousand seeded random ones.
 */
class WasmFrontDoorTest {
    private static final String ROUTES = """
            quic: {event_loops: 2}
            limits: {max_connections_per_ip: 0, new_connections_per_ip: 0}
            routing:
              default: {strategy: round_robin, backends: [{host: lobby.internal, port: 5520}]}
            plugins:
              - name: gate
                type: wasm
                stage: deny
                timeout: 30s
                wasm:
                  path: "%s"
            """;
    private static final int RANDOM_PAYLOADS = 2_000;

    /** The fixtures' undecodable Connects, then seeded random payloads, each as a whole Connect frame. */
    private static List<byte[]> hostileFrames() {
        List<byte[]> frames = new ArrayList<>();
        for (Map<String, Object> v : WireVectors.load().section("undecodable_connect")) {
            frames.add(frame(WireVectors.hex(v.get("payload"))));
        }
        Random random = new Random(26);
        for (int i = 0; i < RANDOM_PAYLOADS; i++) {
            // Shorter than V1's fixed block, so only V2 could read it: most cannot be decoded at all.
            byte[] payload = new byte[random.nextInt(ConnectLayoutV1.VARIABLE_BLOCK_OFFSET)];
            random.nextBytes(payload);
            frames.add(frame(payload));
        }
        return frames;
    }

    private static byte[] frame(byte[] payload) {
        ByteBuf b = Unpooled.buffer().writeIntLE(payload.length).writeIntLE(PacketIds.CONNECT).writeBytes(payload);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static long undecodable(List<byte[]> frames) {
        ConnectView view = new ConnectView();
        return frames.stream().filter(f -> !view.wrap(Unpooled.wrappedBuffer(f, 8, f.length - 8))).count();
    }

    /** Sends every frame; returns the answers that were not the expected denial. */
    private static List<String> notDenied(TestRouter r, List<byte[]> frames, String reason) throws Exception {
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        ClosedLoop.run(frames.size(), 16, () -> r.client.run(r.request("play.example.com").withRawBytes(frames.get(next.getAndIncrement()))),
                (SessionResult s, Throwable e, long nanos) -> {
                    if (e != null) {
                        wrong.add("failed: " + e);
                    } else if (s.answer().isReferral() || !reason.equals(s.answer().reason())) {
                        wrong.add(s.answer().isReferral() ? "REFERRED to " + s.answer().host() : "reason " + s.answer().reason());
                    }
                }).get(10, TimeUnit.MINUTES);
        return new ArrayList<>(wrong);
    }

    @Test
    void aMaintenanceSwitchDeniesEveryUndecodableConnect() throws Exception {
        List<byte[]> frames = hostileFrames();
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES.formatted(Modules.path("deny-all")))) {
            assertThat(r.run("play.example.com").answer().reason()).isEqualTo("closed for maintenance");
            assertThat(notDenied(r, frames, "closed for maintenance")).isEmpty();
            assertThat(r.server.stats().undecodableConnects()).as("the undecodable path was taken").isEqualTo(undecodable(frames))
                    .isGreaterThan(RANDOM_PAYLOADS / 2);
            assertThat(r.server.core().plugins().stats().get(0).denies()).isEqualTo(frames.size() + 1);
            r.assertNothingLeaks();
        }
    }

    @Test
    void aWhitelistRefusesWhatItCannotReadAsItRefusesAStranger() throws Exception {
        List<byte[]> frames = hostileFrames();
        try (TestRouter r = TestRouter.startWithRuntimes(ROUTES.formatted(Modules.path("whitelist")))) {
            assertThat(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("alex"))).answer().host())
                    .isEqualTo("lobby.internal");
            assertThat(r.run(r.request("play.example.com").withFields(ConnectFields.defaults().withUsername("mallory"))).answer().reason())
                    .isEqualTo("not on the whitelist");
            assertThat(notDenied(r, frames, "not on the whitelist")).isEmpty();
            assertThat(r.server.stats().undecodableConnects()).isEqualTo(undecodable(frames));
            r.assertNothingLeaks();
        }
    }
}
