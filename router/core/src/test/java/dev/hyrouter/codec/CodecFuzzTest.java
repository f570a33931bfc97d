package dev.hyrouter.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided fuzzing (Jazzer) of what a client controls before any decision: the frame
 * stream of its Connect stream and the Connect payload. In the normal test command these run once
 * per committed input under {@code src/test/resources/dev/hyrouter/codec/CodecFuzzTestInputs/};
 * {@code router/docs/reliability.md} ("Fuzzing") says how to fuzz for real and where the figures go.
 */
class CodecFuzzTest {
    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final HexFormat HEX = HexFormat.of();
    /** A cap small enough for the fuzzer to cross, beside the router's real one. */
    private static final int SMALL_CAP = 64;

    /**
     * Input: one control byte, then the bytes a client writes on its stream. The control byte picks
     * the payload cap (high bit: {@value #SMALL_CAP} bytes, else the router's default) and seeds how
     * the stream is cut into chunks. Whatever the cuts, the reader delivers exactly the frames a
     * plain sequential parse of the whole stream finds, ends in the same state, releases every chunk
     * and never buffers more than one header plus the cap.
     */
    @FuzzTest(maxDuration = "10m")
    void frames(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int control = data[0] & 0xFF;
        byte[] stream = Arrays.copyOfRange(data, 1, data.length);
        int cap = (control & 0x80) != 0 ? SMALL_CAP : FrameLayout.DEFAULT_MAX_PAYLOAD;
        List<String> expected = new ArrayList<>();
        FrameReader.Status expectedEnd = sequentialParse(stream, cap, expected);

        List<String> got = new ArrayList<>();
        FrameReader.Status end = FrameReader.Status.NEED_MORE;
        Random cuts = new Random(control);
        int maxChunk = 1 + (control & 0x7F) * 4;
        try (FrameReader reader = new FrameReader(ALLOC, cap)) {
            int pos = 0;
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, 1 + cuts.nextInt(maxChunk));
                ByteBuf chunk = ALLOC.directBuffer(n).writeBytes(stream, pos, n);
                end = reader.read(chunk, (id, payload) -> {
                    got.add(id + ":" + ByteBufUtil.hexDump(payload));
                    payload.skipBytes(payload.readableBytes()); // a decoder may consume; later frames must not care
                    return true;
                });
                assertThat(chunk.refCnt()).as("every chunk is released by read").isZero();
                assertThat(reader.bufferedBytes()).isLessThanOrEqualTo(FrameLayout.HEADER_LENGTH + cap);
                pos += n;
            }
        }
        assertThat(got).isEqualTo(expected);
        assertThat(end).isEqualTo(expectedEnd);
    }

    /** The frame layout read the slow, obvious way: the oracle for {@link #frames}. */
    private static FrameReader.Status sequentialParse(byte[] s, int cap, List<String> out) {
        int pos = 0;
        while (s.length - pos >= FrameLayout.HEADER_LENGTH) {
            long len = Integer.toUnsignedLong(Unpooled.wrappedBuffer(s, pos, 4).readIntLE());
            if (len > cap) {
                return FrameReader.Status.OVERSIZED;
            }
            if (s.length - pos - FrameLayout.HEADER_LENGTH < len) {
                break;
            }
            int id = Unpooled.wrappedBuffer(s, pos + 4, 4).readIntLE();
            int from = pos + FrameLayout.HEADER_LENGTH;
            out.add(id + ":" + HEX.formatHex(s, from, from + (int) len));
            pos = from + (int) len;
        }
        return FrameReader.Status.NEED_MORE;
    }

    /**
     * Input: a Connect payload. V1/V2 detection and decoding either succeed with fields inside the
     * protocol's limits or fail with an empty view ({@link ConnectViewProperties#exercise}); and the
     * view reads only the bytes it was given: the same payload between foreign bytes decodes alike.
     */
    @FuzzTest(maxDuration = "10m")
    void connectPayload(byte[] payload) {
        ConnectViewProperties.exercise(payload);
        ConnectView alone = new ConnectView();
        boolean ok = alone.wrap(Unpooled.wrappedBuffer(payload));
        byte[] padded = new byte[payload.length + 32];
        Arrays.fill(padded, (byte) 0x7F);
        System.arraycopy(payload, 0, padded, 16, payload.length);
        ConnectView embedded = new ConnectView();
        assertThat(embedded.wrap(Unpooled.wrappedBuffer(padded), 16, payload.length)).isEqualTo(ok);
        assertThat(fields(embedded)).isEqualTo(fields(alone));
    }

    private static List<Object> fields(ConnectView v) {
        return List.of(String.valueOf(v.layout()), v.clientType(), v.uuid(), v.username(), v.language(), v.protocolHash(),
                v.identityTokenPresent(), v.protocolCrc(), v.buildNumber(), v.referralDataLength(), v.referralSourceHost(),
                v.referralSourcePort());
    }
}
