package dev.hyrouter.bench;

import dev.hyrouter.codec.ConnectEncoder;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.FrameLayout;
import dev.hyrouter.codec.FrameReader;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.pipeline.DecisionPipeline;
import dev.hyrouter.pipeline.DecisionRequest;
import dev.hyrouter.pipeline.OutcomeKind;
import dev.hyrouter.pipeline.OutcomeSink;
import dev.hyrouter.pipeline.RouterCore;
import dev.hyrouter.routing.Backend;
import dev.hyrouter.routing.DiscoveryResolver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole answer without the transport, on event-loop threads ({@link EventLoopThreads}), where
 * the router runs it: {@code frameInAnswerOut} takes the Connect frame's bytes as they leave the
 * QUIC stream (frame reader, V2 decode in place, routing, signed referral frame encoded into a
 * pooled buffer, released as a write would); {@code decideAndEncodeReferral} starts from the
 * payload. Both must allocate 0 B/op.
 */
public class PipelineBenchmark extends SuiteDefaults.OnEventLoop implements OutcomeSink {
    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final ConnectView view = new ConnectView();
    private final DecisionRequest request = new DecisionRequest();
    private RouterCore core;
    private DecisionPipeline pipeline;
    private dev.hyrouter.codec.ClientReferralEncoder encoder;
    private ByteBuf connect;
    private ByteBuf connectFrame;
    private FrameReader reader;
    private int written;
    private final FrameReader.FrameHandler onFrame = (id, payload) -> {
        boolean decoded = view.wrap(payload, payload.readerIndex(), payload.readableBytes());
        pipeline.decide(request.set("eu.play.example.com", "", decoded ? view : null), this);
        view.reset();
        return true;
    };

    @Setup
    public void setup() throws Exception {
        RouterConfig c = ConfigLoader.parse("referral: {key_id: 1, hmac_secret: \"base64:c2VjcmV0LWtleQ==\"}\n"
                + "routing:\n  routes:\n    - match: {hostnames: [\"play.example.com\", \"*.play.example.com\"]}\n"
                + "      pool: {strategy: round_robin, backends: [{host: a.internal, port: 5521}, {host: b.internal, port: 5522}]}\n"
                + "  default: {strategy: random, backends: [{host: lobby.internal, port: 5520}]}\n", "bench.yaml", false);
        core = RouterCore.build(c, Map.of(), null, DiscoveryResolver.NONE);
        pipeline = core.pipeline();
        encoder = core.referralEncoderPrototype().copy();
        connect = alloc.directBuffer();
        ConnectEncoder.encodeV2(ConnectFields.defaults().withUsername("Steve").withLanguage("en-US"), connect);
        connectFrame = ConnectEncoder.encodeFrame(alloc, ConnectView.Layout.V2, ConnectFields.defaults().withUsername("Steve").withLanguage("en-US"));
        reader = new FrameReader(alloc, FrameLayout.DEFAULT_MAX_PAYLOAD);
    }

    @TearDown
    public void tearDown() {
        connect.release();
        connectFrame.release();
        reader.close();
        core.close();
    }

    @Benchmark
    public int decideAndEncodeReferral() {
        boolean decoded = view.wrap(connect, connect.readerIndex(), connect.readableBytes());
        pipeline.decide(request.set("eu.play.example.com", "", decoded ? view : null), this);
        view.reset();
        return written;
    }

    @Benchmark
    public int frameInAnswerOut() {
        reader.read(connectFrame.retainedDuplicate(), onFrame);
        return written;
    }

    @Override
    public void referral(Backend backend, byte[] content, int routeIndex) {
        ByteBuf frame = encoder.encode(alloc, backend.hostUtf8(), backend.port(), content);
        written = frame.readableBytes();
        frame.release();
    }

    @Override
    public void disconnect(OutcomeKind kind, String reason, int routeIndex) {
        throw new IllegalStateException(reason);
    }
}
