package dev.hyrouter.server.quic;

import dev.hyrouter.util.LogText;
import org.agrona.MutableDirectBuffer;

/**
 * Layout of the outcome records event loops write into the access-log ring buffer:
 * {@code i64 epochMillis | i32 route | i32 port | i32 contentBytes | i32 kind} then three
 * length-prefixed UTF-8 strings: {@code sni}, {@code host or detail}, {@code client} (empty
 * unless client addresses are logged). Strings are stored as they came, capped, and escaped
 * only by the formatter, off the event loop.
 */
final class OutcomeRecord {
    static final int REFERRAL = 1;
    static final int DISCONNECT = 2;
    static final int REFUSED = 3;

    static final int TIME_OFFSET = 0;
    static final int ROUTE_OFFSET = 8;
    static final int PORT_OFFSET = 12;
    static final int CONTENT_BYTES_OFFSET = 16;
    static final int KIND_OFFSET = 20;
    static final int STRINGS_OFFSET = 24;
    static final int LENGTH_PREFIX = 4;

    /** A referral's host is at most 256 bytes on the wire; a plugin's longer one is refused, but logged capped. */
    static final int HOST_CAP = 300;
    static final int CLIENT_ADDRESS_CAP = 128;
    /** Marks a string cut at its cap. */
    private static final char CUT = '\u2026';

    private OutcomeRecord() {
    }

    /** Upper bound of a record's length: UTF-8 takes at most 3 bytes per char, plus the cut mark. */
    static int maxLength(String sni, String text, int textCap, String client) {
        return STRINGS_OFFSET + 3 * LENGTH_PREFIX
                + 3 * (Math.min(sni.length(), LogText.CLIENT_CAP) + 1)
                + 3 * (Math.min(text.length(), textCap) + 1)
                + 3 * (Math.min(client.length(), CLIENT_ADDRESS_CAP) + 1);
    }

    /**
     * Writes at most {@code cap} chars of {@code s} as a length-prefixed UTF-8 string without
     * allocating (an SNI is ASCII: one byte a char); a lone surrogate becomes U+FFFD, a cut
     * string ends with {@value #CUT}. Returns the bytes written, prefix included.
     */
    static int putString(MutableDirectBuffer b, int index, String s, int cap) {
        int n = s.length();
        int end = Math.min(n, cap);
        int at = index + LENGTH_PREFIX;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b.putByte(at++, (byte) c);
            } else if (c < 0x800) {
                b.putByte(at++, (byte) (0xc0 | c >> 6));
                b.putByte(at++, (byte) (0x80 | c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b.putByte(at++, (byte) (0xf0 | cp >> 18));
                b.putByte(at++, (byte) (0x80 | cp >> 12 & 0x3f));
                b.putByte(at++, (byte) (0x80 | cp >> 6 & 0x3f));
                b.putByte(at++, (byte) (0x80 | cp & 0x3f));
            } else {
                char u = Character.isSurrogate(c) ? '\ufffd' : c;
                at = put3(b, at, u);
            }
        }
        if (n > end) {
            at = put3(b, at, CUT);
        }
        int length = at - index - LENGTH_PREFIX;
        b.putInt(index, length);
        return LENGTH_PREFIX + length;
    }

    private static int put3(MutableDirectBuffer b, int at, char c) {
        b.putByte(at, (byte) (0xe0 | c >> 12));
        b.putByte(at + 1, (byte) (0x80 | c >> 6 & 0x3f));
        b.putByte(at + 2, (byte) (0x80 | c & 0x3f));
        return at + 3;
    }
}
