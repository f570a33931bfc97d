package dev.hyrouter.plugin.json;

import com.dslplatform.json.JsonWriter;

/**
 * String and number output with the exact bytes of Go's {@code encoding/json}: the characters
 * less-than, greater-than and ampersand as six-character unicode escapes, U+2028/U+2029 escaped,
 * control characters as backslash-n/r/t or a unicode escape, unpaired surrogates as U+FFFD. Plugins
 * written for the original receive the same bytes from this router.
 */
final class GoJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private GoJson() {
    }

    static void writeString(JsonWriter w, String s) {
        w.writeByte(JsonWriter.QUOTE);
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
                    w.writeByte((byte) c);
                } else {
                    switch (c) {
                        case '"':
                            w.writeByte((byte) '\\');
                            w.writeByte((byte) '"');
                            break;
                        case '\\':
                            w.writeByte((byte) '\\');
                            w.writeByte((byte) '\\');
                            break;
                        case '\n':
                            w.writeByte((byte) '\\');
                            w.writeByte((byte) 'n');
                            break;
                        case '\r':
                            w.writeByte((byte) '\\');
                            w.writeByte((byte) 'r');
                            break;
                        case '\t':
                            w.writeByte((byte) '\\');
                            w.writeByte((byte) 't');
                            break;
                        default:
                            unicodeEscape(w, c);
                            break;
                    }
                }
            } else if (c == '\u2028' || c == '\u2029') {
                unicodeEscape(w, c);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                w.writeByte((byte) (0xF0 | (cp >>> 18)));
                w.writeByte((byte) (0x80 | ((cp >>> 12) & 0x3F)));
                w.writeByte((byte) (0x80 | ((cp >>> 6) & 0x3F)));
                w.writeByte((byte) (0x80 | (cp & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                utf8(w, 0xFFFD);
            } else {
                utf8(w, c);
            }
        }
        w.writeByte(JsonWriter.QUOTE);
    }

    private static void utf8(JsonWriter w, int c) {
        if (c < 0x800) {
            w.writeByte((byte) (0xC0 | (c >>> 6)));
            w.writeByte((byte) (0x80 | (c & 0x3F)));
        } else {
            w.writeByte((byte) (0xE0 | (c >>> 12)));
            w.writeByte((byte) (0x80 | ((c >>> 6) & 0x3F)));
            w.writeByte((byte) (0x80 | (c & 0x3F)));
        }
    }

    private static void unicodeEscape(JsonWriter w, char c) {
        w.writeByte((byte) '\\');
        w.writeByte((byte) 'u');
        w.writeByte(HEX[(c >>> 12) & 0xF]);
        w.writeByte(HEX[(c >>> 8) & 0xF]);
        w.writeByte(HEX[(c >>> 4) & 0xF]);
        w.writeByte(HEX[c & 0xF]);
    }

    static void writeLong(JsonWriter w, long v) {
        w.writeAscii(Long.toString(v));
    }
}
