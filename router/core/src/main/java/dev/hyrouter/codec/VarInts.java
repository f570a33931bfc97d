package dev.hyrouter.codec;

import io.netty.buffer.ByteBuf;

/**
 * The protocol's VarInt: 7 bits per byte, least significant group first, high bit = more
 * bytes follow, at most 5 bytes, negative values invalid.
 *
 * <p>Reads never throw and never allocate: a result packs value and size into one long.
 */
public final class VarInts {
    public static final int MAX_BYTES = 5;
    /** Returned by {@link #read} when no valid VarInt is at the index. */
    public static final long INVALID = -1L;

    private VarInts() {
    }

    /**
     * Reads a VarInt at absolute {@code index}, not reading at or past {@code limit}.
     *
     * @return {@code value | (size << 32)}, or {@link #INVALID} when truncated, longer than five
     *     bytes, or negative
     */
    public static long read(ByteBuf buf, int index, int limit) {
        if (index < 0) {
            return INVALID;
        }
        int value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int at = index + i;
            if (at >= limit) {
                return INVALID;
            }
            int b = buf.getByte(at);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    return INVALID;
                }
                return (value & 0xFFFF_FFFFL) | ((long) (i + 1) << 32);
            }
        }
        return INVALID;
    }

    /** The value of a {@link #read} result. */
    public static int value(long packed) {
        return (int) packed;
    }

    /** The byte size of a {@link #read} result. */
    public static int size(long packed) {
        return (int) (packed >>> 32);
    }

    /** Bytes needed to encode {@code value} (non-negative). */
    public static int encodedSize(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative VarInt " + value);
        }
        int size = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Writes a non-negative VarInt at the writer index. */
    public static void write(ByteBuf buf, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative VarInt " + value);
        }
        while ((value & ~0x7F) != 0) {
            buf.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf.writeByte(value);
    }
}
