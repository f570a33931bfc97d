package dev.hyrouter.bench;

import dev.hyrouter.codec.ConnectEncoder;
import dev.hyrouter.codec.ConnectFields;
import dev.hyrouter.codec.ConnectView;
import dev.hyrouter.codec.FrameLayout;
import dev.hyrouter.codec.FrameReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Frame reassembly: a Connect frame arriving whole (the common case, read without a copy) and
 * split into three fragments (header split, then the payload in two: the reader accumulates),
 * each ending with the Connect decoded in place. Runs on event-loop threads.
 */
public class FrameBenchmark extends SuiteDefaults.OnEventLoop {
    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final ConnectView view = new ConnectView();
    private final FrameReader.FrameHandler decode = (id, payload) -> {
        view.wrap(payload, payload.readerIndex(), payload.readableBytes());
        return true;
    };
    private FrameReader reader;
    private ByteBuf frame;
    private int cut1;
    private int cut2;

    @Setup
    public void setup() {
        reader = new FrameReader(alloc, FrameLayout.DEFAULT_MAX_PAYLOAD);
        frame = ConnectEncoder.encodeFrame(alloc, ConnectView.Layout.V2,
                ConnectFields.defaults().withUsername("Steve").withLanguage("de-DE").withIdentityToken(new byte[300]));
        cut1 = 5;
        cut2 = frame.readableBytes() / 2;
    }

    @TearDown
    public void tearDown() {
        reader.close();
        frame.release();
    }

    @Benchmark
    public boolean wholeFrame() {
        reader.read(frame.retainedDuplicate(), decode);
        return view.decoded();
    }

    @Benchmark
    public boolean threeFragments() {
        int end = frame.writerIndex();
        int start = frame.readerIndex();
        reader.read(frame.retainedSlice(start, cut1), decode);
        reader.read(frame.retainedSlice(start + cut1, cut2 - cut1), decode);
        reader.read(frame.retainedSlice(start + cut2, end - start - cut2), decode);
        return view.decoded();
    }
}
