package dev.hyrouter.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Reassembles Hytale frames from a stream of byte chunks of any fragmentation (one byte at a
 * time, many frames in one chunk, a frame split across chunks).
 *
 * <p>Whole frames inside a chunk are handed out as slices of that chunk, without copying; only
 * the tail of a partial frame is copied, into a cumulation that never holds more than one frame
 * header plus {@code maxPayload} bytes. A frame whose declared length exceeds the cap is refused
 * as soon as its header is seen, before any of its payload is buffered.
 *
 * <p>Not thread safe: owned by one stream on one event loop. {@link #close()} releases what it
 * holds.
 */
public final class FrameReader implements AutoCloseable {

    /**
     * Receives frames. The payload is the readable window of a buffer the reader owns, valid only
     * during the call: read it (moving its reader index is fine), copy what must outlive the call,
     * and neither retain nor release it.
     */
    @FunctionalInterface
    public interface FrameHandler {
        /** @return {@code true} to go on reading, {@code false} to stop this reader for good */
        boolean onFrame(int packetId, ByteBuf payload);
    }

    /** What {@link #read} ended with. */
    public enum Status {
        /** All complete frames were delivered; waiting for more bytes. */
        NEED_MORE,
        /** The handler asked to stop; later input is discarded. */
        STOPPED,
        /** A frame declared a payload above the cap (or above 2^31-1); later input is discarded. */
        OVERSIZED
    }

    private final ByteBufAllocator allocator;
    private final int maxPayload;
    private ByteBuf cumulation;
    private Status terminal;
    private long refusedLength = -1;

    public FrameReader(ByteBufAllocator allocator, int maxPayload) {
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload must be >= 0");
        }
        this.allocator = allocator;
        this.maxPayload = maxPayload;
    }

    /**
     * Consumes {@code chunk} (always released by this call) and delivers every complete frame.
     */
    public Status read(ByteBuf chunk, FrameHandler handler) {
        try {
            if (terminal != null) {
                return terminal;
            }
            if (cumulation == null) {
                Status s = drain(chunk, handler);
                if (s == Status.NEED_MORE && chunk.isReadable()) {
                    cumulation = allocator.buffer(initialCapacity(chunk));
                    cumulation.writeBytes(chunk);
                }
                return s;
            }
            // Top up the cumulation with at most what completes the frame in progress, then go on
            // in place inside the chunk: a partial frame is copied once, later frames never.
            while (chunk.isReadable()) {
                int need = bytesToCompleteCumulatedFrame();
                if (need < 0) {
                    return refuse();
                }
                int take = Math.min(need, chunk.readableBytes());
                cumulation.ensureWritable(take);
                cumulation.writeBytes(chunk, take);
                if (take < need) {
                    return Status.NEED_MORE;
                }
                if (cumulation.readableBytes() < FrameLayout.HEADER_LENGTH) {
                    continue;
                }
                Status s = drain(cumulation, handler);
                if (s != Status.NEED_MORE) {
                    return s;
                }
                if (!cumulation.isReadable()) {
                    cumulation.release();
                    cumulation = null;
                    s = drain(chunk, handler);
                    if (s == Status.NEED_MORE && chunk.isReadable()) {
                        cumulation = allocator.buffer(initialCapacity(chunk));
                        cumulation.writeBytes(chunk);
                    }
                    return s;
                }
            }
            return Status.NEED_MORE;
        } finally {
            chunk.release();
        }
    }

    /** Bytes the cumulation lacks to hold its whole current frame; -1 when it is oversized. */
    private int bytesToCompleteCumulatedFrame() {
        int have = cumulation.readableBytes();
        if (have < FrameLayout.HEADER_LENGTH) {
            return FrameLayout.HEADER_LENGTH - have;
        }
        long len = cumulation.getUnsignedIntLE(cumulation.readerIndex() + FrameLayout.LENGTH_OFFSET);
        if (len > maxPayload) {
            refusedLength = len;
            return -1;
        }
        return (int) (FrameLayout.HEADER_LENGTH + len - have);
    }

    private int initialCapacity(ByteBuf rest) {
        int have = rest.readableBytes();
        if (have >= FrameLayout.HEADER_LENGTH) {
            long len = rest.getUnsignedIntLE(rest.readerIndex() + FrameLayout.LENGTH_OFFSET);
            return (int) Math.min(FrameLayout.HEADER_LENGTH + len, FrameLayout.HEADER_LENGTH + (long) maxPayload);
        }
        return Math.max(64, have);
    }

    private Status drain(ByteBuf buf, FrameHandler handler) {
        while (buf.readableBytes() >= FrameLayout.HEADER_LENGTH) {
            int start = buf.readerIndex();
            long len = buf.getUnsignedIntLE(start + FrameLayout.LENGTH_OFFSET);
            if (len > maxPayload) {
                refusedLength = len;
                return refuse();
            }
            int frameLength = FrameLayout.HEADER_LENGTH + (int) len;
            if (buf.readableBytes() < frameLength) {
                return Status.NEED_MORE;
            }
            int packetId = buf.getIntLE(start + FrameLayout.PACKET_ID_OFFSET);
            // The handler sees the payload as buf's readable window: a slice would be one
            // allocation per frame (Netty recycles only retained slices of pooled buffers).
            int end = buf.writerIndex();
            buf.setIndex(start + FrameLayout.HEADER_LENGTH, start + frameLength);
            boolean goOn;
            try {
                goOn = handler.onFrame(packetId, buf);
            } finally {
                buf.setIndex(start + frameLength, end);
            }
            if (!goOn) {
                terminal = Status.STOPPED;
                releaseCumulation();
                return terminal;
            }
        }
        return Status.NEED_MORE;
    }

    private Status refuse() {
        terminal = Status.OVERSIZED;
        releaseCumulation();
        return terminal;
    }

    /** The declared payload length of the refused frame, or -1. */
    public long refusedLength() {
        return refusedLength;
    }

    /** Bytes held for a partial frame. */
    public int bufferedBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    public int maxPayload() {
        return maxPayload;
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    @Override
    public void close() {
        releaseCumulation();
        if (terminal == null) {
            terminal = Status.STOPPED;
        }
    }
}
