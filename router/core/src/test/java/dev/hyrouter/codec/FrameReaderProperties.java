package dev.hyrouter.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FrameReaderProperties {
    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private static byte[] frames(List<byte[]> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            ByteBuf h = Unpooled.buffer(8).writeIntLE(p.length).writeIntLE(i);
            out.writeBytes(ByteBufUtil.getBytes(h));
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Reads the payload the way a decoder may, moving its reader index: later frames must not care. */
    private static byte[] consume(ByteBuf payload) {
        byte[] b = new byte[payload.readableBytes()];
        payload.readBytes(b);
        return b;
    }

    private static List<byte[]> readInChunks(byte[] stream, int[] cuts, int max, List<FrameReader.Status> statuses) {
        List<byte[]> got = new ArrayList<>();
        try (FrameReader reader = new FrameReader(ALLOC, max)) {
            int pos = 0;
            for (int cut : cuts) {
                int end = Math.min(stream.length, pos + cut);
                ByteBuf chunk = ALLOC.directBuffer(end - pos).writeBytes(stream, pos, end - pos);
                statuses.add(reader.read(chunk, (id, p) -> {
                    assertThat(id).isEqualTo(got.size());
                    got.add(consume(p));
                    return true;
                }));
                assertThat(reader.bufferedBytes()).isLessThanOrEqualTo(FrameLayout.HEADER_LENGTH + max);
                pos = end;
                if (pos == stream.length) {
                    break;
                }
            }
            if (pos < stream.length) {
                ByteBuf rest = ALLOC.directBuffer().writeBytes(stream, pos, stream.length - pos);
                statuses.add(reader.read(rest, (id, p) -> {
                    got.add(consume(p));
                    return true;
                }));
            }
        }
        return got;
    }

    @Provide
    Arbitrary<List<byte[]>> payloadLists() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMaxSize(12);
    }

    @Property(tries = 400)
    void anyFragmentationGivesTheSameFrames(@ForAll("payloadLists") List<byte[]> payloads,
            @ForAll @Size(max = 40) List<@IntRange(min = 1, max = 64) Integer> cutList) {
        byte[] stream = frames(payloads);
        int[] cuts = cutList.stream().mapToInt(Integer::intValue).toArray();
        List<FrameReader.Status> statuses = new ArrayList<>();
        List<byte[]> got = readInChunks(stream, cuts, 1024, statuses);
        assertThat(got).hasSize(payloads.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(payloads.get(i));
        }
        assertThat(statuses).allMatch(s -> s == FrameReader.Status.NEED_MORE);
    }

    @Example
    void oneByteAtATime() {
        List<byte[]> payloads = List.of(new byte[] {1, 2, 3}, new byte[0], new byte[200]);
        byte[] stream = frames(payloads);
        int[] ones = new int[stream.length];
        Arrays.fill(ones, 1);
        List<byte[]> got = readInChunks(stream, ones, 1024, new ArrayList<>());
        assertThat(got).hasSize(3);
        assertThat(got.get(2)).hasSize(200);
    }

    @Property(tries = 200)
    void anOversizedFrameIsRefusedAtItsHeaderWithoutBuffering(@ForAll @IntRange(min = 1025, max = Integer.MAX_VALUE) int declared,
            @ForAll @IntRange(min = 1, max = 8) int firstChunk) {
        byte[] header = ByteBufUtil.getBytes(Unpooled.buffer(8).writeIntLE(declared).writeIntLE(0));
        try (FrameReader reader = new FrameReader(ALLOC, 1024)) {
            FrameReader.Status s1 = reader.read(Unpooled.wrappedBuffer(Arrays.copyOf(header, firstChunk)), (id, p) -> true);
            FrameReader.Status s2 = reader.read(Unpooled.wrappedBuffer(Arrays.copyOfRange(header, firstChunk, 8)), (id, p) -> true);
            FrameReader.Status last = firstChunk == 8 ? s1 : s2;
            assertThat(last).isEqualTo(FrameReader.Status.OVERSIZED);
            assertThat(reader.refusedLength()).isEqualTo(declared & 0xFFFFFFFFL);
            assertThat(reader.bufferedBytes()).isZero();
            // Whatever follows is discarded, not buffered.
            assertThat(reader.read(Unpooled.wrappedBuffer(new byte[4096]), (id, p) -> true)).isEqualTo(FrameReader.Status.OVERSIZED);
            assertThat(reader.bufferedBytes()).isZero();
        }
    }

    @Example
    void aLengthAboveTwoToThe31IsRefused() {
        try (FrameReader reader = new FrameReader(ALLOC, FrameLayout.DEFAULT_MAX_PAYLOAD)) {
            ByteBuf b = Unpooled.buffer().writeIntLE(-1).writeIntLE(0);
            assertThat(reader.read(b, (id, p) -> true)).isEqualTo(FrameReader.Status.OVERSIZED);
            assertThat(reader.refusedLength()).isEqualTo(0xFFFFFFFFL);
        }
    }

    @Example
    void stopsWhenTheHandlerSaysSo() {
        byte[] stream = frames(List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}));
        List<Integer> seen = new ArrayList<>();
        try (FrameReader reader = new FrameReader(ALLOC, 1024)) {
            FrameReader.Status s = reader.read(Unpooled.wrappedBuffer(stream), (id, p) -> {
                seen.add(id);
                return id < 1;
            });
            assertThat(s).isEqualTo(FrameReader.Status.STOPPED);
            assertThat(reader.read(Unpooled.wrappedBuffer(stream), (id, p) -> true)).isEqualTo(FrameReader.Status.STOPPED);
        }
        assertThat(seen).containsExactly(0, 1);
    }

    @Property(tries = 300)
    void randomBytesNeverThrowAndNeverBufferBeyondTheCap(@ForAll @Size(max = 2000) byte[] junk, @ForAll long seed) {
        Random r = new Random(seed);
        try (FrameReader reader = new FrameReader(ALLOC, 512)) {
            int pos = 0;
            while (pos < junk.length) {
                int n = 1 + r.nextInt(100);
                int end = Math.min(junk.length, pos + n);
                reader.read(Unpooled.wrappedBuffer(Arrays.copyOfRange(junk, pos, end)), (id, p) -> true);
                assertThat(reader.bufferedBytes()).isLessThanOrEqualTo(FrameLayout.HEADER_LENGTH + 512);
                pos = end;
            }
        }
    }
}
