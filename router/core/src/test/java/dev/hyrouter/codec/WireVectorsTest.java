package dev.hyrouter.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyrouter.envelope.EnvelopeSigner;
import dev.hyrouter.envelope.HmacSecret;
import dev.hyrouter.testing.Bufs;
import dev.hyrouter.testing.WireVectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every vector of fixtures/wire-vectors.json. */
class WireVectorsTest {
    private static final WireVectors VECTORS = WireVectors.load();
    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    @Test
    @SuppressWarnings("unchecked")
    void decodesEveryConnectVector() {
        for (Map<String, Object> v : VECTORS.section("connect")) {
            String name = (String) v.get("name");
            Map<String, Object> expect = (Map<String, Object>) v.get("expect");
            ConnectView view = new ConnectView();
            ByteBuf payload = Bufs.wrap(WireVectors.hex(v.get("payload")));
            assertThat(view.wrap(payload)).as(name).isTrue();
            assertThat(view.layout().name().toLowerCase()).as(name).isEqualTo(expect.get("layout"));
            assertThat(view.protocolHash()).as(name).isEqualTo(expect.get("protocol_hash"));
            assertThat(view.clientType()).as(name).isEqualTo(((Number) expect.get("client_type")).intValue());
            assertThat(view.uuid()).as(name).isEqualTo(expect.get("uuid"));
            assertThat(view.language()).as(name).isEqualTo(expect.get("language"));
            assertThat(view.identityTokenPresent()).as(name).isEqualTo(expect.get("identity_token_present"));
            assertThat(view.username()).as(name).isEqualTo(expect.get("username"));
            if (expect.containsKey("referral_data_len")) {
                assertThat(view.referralDataLength()).as(name).isEqualTo(((Number) expect.get("referral_data_len")).intValue());
            }
            if (expect.containsKey("referral_source")) {
                Map<String, Object> src = (Map<String, Object>) expect.get("referral_source");
                assertThat(view.referralSourceHost()).as(name).isEqualTo(src.get("host"));
                assertThat(view.referralSourcePort()).as(name).isEqualTo(((Number) src.get("port")).intValue());
            }
            payload.release();
        }
    }

    @Test
    void framesCarryTheSamePayloadAsTheVectors() {
        for (Map<String, Object> v : VECTORS.section("connect")) {
            List<byte[]> payloads = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            try (FrameReader reader = new FrameReader(ALLOC, FrameLayout.DEFAULT_MAX_PAYLOAD)) {
                FrameReader.Status s = reader.read(Unpooled.wrappedBuffer(WireVectors.hex(v.get("frame"))), (id, p) -> {
                    ids.add(id);
                    payloads.add(ByteBufUtil.getBytes(p));
                    return true;
                });
                assertThat(s).isEqualTo(FrameReader.Status.NEED_MORE);
            }
            assertThat(ids).containsExactly(PacketIds.CONNECT);
            assertThat(payloads.get(0)).as((String) v.get("name")).isEqualTo(WireVectors.hex(v.get("payload")));
        }
    }

    @Test
    void undecodableConnectsAreAResultNotAnException() {
        for (Map<String, Object> v : VECTORS.section("undecodable_connect")) {
            ConnectView view = new ConnectView();
            ByteBuf payload = Bufs.wrap(WireVectors.hex(v.get("payload")));
            assertThat(view.wrap(payload)).as((String) v.get("name")).isFalse();
            assertThat(view.decoded()).isFalse();
            assertThat(view.undecodable()).as("why %s is undecodable", v.get("name")).isEqualTo(switch ((String) v.get("name")) {
                case "empty" -> ConnectView.Undecodable.TRUNCATED;
                case "truncated-v2", "username-too-long" -> ConnectView.Undecodable.BAD_STRING_LENGTH;
                case "varint-overflow" -> ConnectView.Undecodable.NEGATIVE_OFFSET; // its offsets are all ones: negative before the VarInt is read
                default -> view.undecodable();
            });
            assertThat(view.username()).isEmpty();
            payload.release();
        }
    }

    @Test
    void encodesEveryReferralVectorByteForByte() {
        for (Map<String, Object> v : VECTORS.section("client_referral")) {
            byte[] data = WireVectors.hex(v.get("data"));
            // The data is an envelope: rebuild it from its parts with the signer, then the frame.
            EnvelopeSigner signer = signerFor(data);
            byte[] content = java.util.Arrays.copyOfRange(data, 9, 9 + ((data[7] & 0xFF) | (data[8] & 0xFF) << 8));
            ClientReferralEncoder encoder = new ClientReferralEncoder(signer);
            byte[] frame = Bufs.drain(encoder.encode(ALLOC, ((String) v.get("host")).getBytes(StandardCharsets.UTF_8),
                    ((Number) v.get("port")).intValue(), content));
            assertThat(WireVectors.hex(frame)).as((String) v.get("name")).isEqualTo(v.get("frame"));

            ServerAnswer answer = ServerAnswer.decode(PacketIds.CLIENT_REFERRAL, Unpooled.wrappedBuffer(WireVectors.hex(v.get("payload"))));
            assertThat(answer.host()).isEqualTo(v.get("host"));
            assertThat(answer.port()).isEqualTo(((Number) v.get("port")).intValue());
            assertThat(answer.data()).isEqualTo(data);
        }
    }

    private static EnvelopeSigner signerFor(byte[] envelope) {
        // The signed vector uses the envelope vectors' secret; find it there by key id.
        if ((envelope[5] & 1) == 0) {
            return new EnvelopeSigner(envelope[6] & 0xFF, null);
        }
        for (Map<String, Object> e : VECTORS.section("envelope")) {
            if (WireVectors.hex(envelope).equals(e.get("envelope"))) {
                return new EnvelopeSigner(((Number) e.get("key_id")).intValue(), HmacSecret.parse((String) e.get("secret")));
            }
        }
        throw new AssertionError("no envelope vector for " + WireVectors.hex(envelope));
    }

    @Test
    void encodesEveryDisconnectVectorByteForByte() {
        for (Map<String, Object> v : VECTORS.section("disconnect")) {
            String reason = (String) v.get("reason");
            byte[] frame = Bufs.drain(DisconnectEncoder.encode(ALLOC, reason));
            assertThat(WireVectors.hex(frame)).as(reason).isEqualTo(v.get("frame"));
            assertThat(DisconnectEncoder.frameLength(reason)).isEqualTo(frame.length);
            ServerAnswer answer = ServerAnswer.decode(PacketIds.DISCONNECT, Unpooled.wrappedBuffer(WireVectors.hex(v.get("payload"))));
            assertThat(answer.reason()).isEqualTo(reason);
        }
    }

    @Test
    void encodesEveryEnvelopeVectorByteForByte() {
        for (Map<String, Object> v : VECTORS.section("envelope")) {
            String secret = (String) v.get("secret");
            EnvelopeSigner signer = new EnvelopeSigner(((Number) v.get("key_id")).intValue(),
                    secret == null || secret.isEmpty() ? null : HmacSecret.parse(secret));
            assertThat(WireVectors.hex(signer.encode(WireVectors.hex(v.get("content_hex"))))).isEqualTo(v.get("envelope"));
        }
    }

    @Test
    void protocolExampleReferralWithoutDataMatches() {
        // PROTOCOL.md §5: host play.hyvane.com:5520, no data.
        ByteBuf p = Unpooled.wrappedBuffer(WireVectors.hex("0100000000ffffffff90150f706c61792e687976616e652e636f6d"));
        ServerAnswer a = ServerAnswer.decode(PacketIds.CLIENT_REFERRAL, p);
        assertThat(a.host()).isEqualTo("play.hyvane.com");
        assertThat(a.port()).isEqualTo(5520);
        assertThat(a.data()).isNull();
    }
}
