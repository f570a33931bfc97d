package dev.hyrouter.bench;

import dev.hyrouter.codec.ClientReferralEncoder;
import dev.hyrouter.codec.ConnectEncoder;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.DisconnectEncoder;
import dev.hyrouter.envelope.EnvelopeSigner;
import dev.hyrouter.envelope.HmacSecret;
import dev.hyrouter.messages.MessageTemplate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The codec's hot path: decoding a V2 Connect in place (flyweight, nothing allocated) and
 * encoding answer frames into pooled direct buffers, on event-loop threads (where Netty recycles
 * the buffer wrappers, so B/op from {@code -prof gc} is what an event loop allocates).
 */
public class CodecBenchmark extends SuiteDefaults.OnEventLoop {
    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final ConnectView view = new ConnectView();
    private ByteBuf connectV2;
    private ByteBuf connectV1;
    private ClientReferralEncoder signed;
    private ClientReferralEncoder unsigned;
    private final byte[] host = "play.hyvane.com".getBytes(StandardCharsets.UTF_8);
    private final byte[] content = "wasm-plugin".getBytes(StandardCharsets.UTF_8);

    @Setup
    public void setup() {
        ConnectFields f = ConnectFields.defaults().withUsername("Steve").withLanguage("de-DE")
                .withUuid(UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))
                .withIdentityToken(new byte[300]).withProtocolHash("2026.01.29-abc");
        connectV2 = alloc.directBuffer();
        ConnectEncoder.encodeV2(f, connectV2);
        connectV1 = alloc.directBuffer();
        ConnectEncoder.encodeV1(f.withProtocolHash("6708f121966c1c443f4b0eb525b2f81d0a8dc61f5003a692a8fa157e5e02cea9"), connectV1);
        signed = new ClientReferralEncoder(new EnvelopeSigner(3, HmacSecret.parse("s3cret")));
        unsigned = new ClientReferralEncoder(new EnvelopeSigner(0, null));
    }

    @TearDown
    public void tearDown() {
        connectV2.release();
        connectV1.release();
    }

    @Benchmark
    public boolean decodeConnectV2() {
        return view.wrap(connectV2, connectV2.readerIndex(), connectV2.readableBytes());
    }

    @Benchmark
    public boolean decodeConnectV1() {
        return view.wrap(connectV1, connectV1.readerIndex(), connectV1.readableBytes());
    }

    /** Decoding plus the Strings plugins need (username, language, uuid). */
    @Benchmark
    public void decodeConnectV2WithStrings(Blackhole bh) {
        view.wrap(connectV2, connectV2.readerIndex(), connectV2.readableBytes());
        bh.consume(view.username());
        bh.consume(view.language());
        bh.consume(view.uuid());
    }

    @Benchmark
    public int encodeSignedReferralFrame() {
        ByteBuf frame = signed.encode(alloc, host, 5520, content);
        int n = frame.readableBytes();
        frame.release();
        return n;
    }

    @Benchmark
    public int encodeUnsignedReferralFrame() {
        ByteBuf frame = unsigned.encode(alloc, host, 5520, null);
        int n = frame.readableBytes();
        frame.release();
        return n;
    }

    private final MessageTemplate template = MessageTemplate.compile("Every server for ${sni} is busy. Try again shortly.", "");

    /** A routing-error Disconnect as the pipeline builds it: the message template rendered, then encoded. */
    @Benchmark
    public int encodeDisconnectFrameFromTemplate() {
        ByteBuf frame = DisconnectEncoder.encode(alloc, template.render("play.example.com", ""));
        int n = frame.readableBytes();
        frame.release();
        return n;
    }

    @Benchmark
    public int encodeDisconnectFrame() {
        ByteBuf frame = DisconnectEncoder.encode(alloc, "The server is currently unavailable.");
        int n = frame.readableBytes();
        frame.release();
        return n;
    }
}
