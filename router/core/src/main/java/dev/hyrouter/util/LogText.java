package dev.hyrouter.util;

/**
 * The one place where text a client sent or a plugin returned (an SNI, a username, a deny
 * reason, an error a plugin server wrote) is made safe for a log: it can never start a new
 * line, move the terminal's cursor, hide in an invisible character, or break the quoting of
 * the field it sits in.
 *
 * <p>{@link #value} writes a logfmt value: bare when it is made only of visible characters
 * other than {@code "}, {@code \}, {@code =}; otherwise double-quoted with Go's {@code strconv.Quote}
 * escapes ({@code \n}, {@code \"}, {@code \x1b}, {@code \u2028}), which is what the original's
 * structured logger writes. {@link #json} writes a JSON string that is valid for any Java
 * string, lone surrogates included. {@link #controls} escapes only what could start a line or
 * drive a terminal, for arguments of ordinary log messages.
 *
 * <p>Each takes a cap in characters: longer text is cut there and marked with how much was
 * cut, so one hostile field cannot fill a log line or a ring buffer. Allocation-free when the
 * caller passes its own {@link StringBuilder}.
 */
public final class LogText {
    /** Characters kept of a value a client sent (an SNI is at most 255 bytes on the wire; a username 16). */
    public static final int CLIENT_CAP = 256;
    /** Characters kept of a value a plugin returned (a deny reason, an error message). */
    public static final int PLUGIN_CAP = 1024;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
    }

    /** {@code s} as a logfmt value, capped at {@code cap} characters. */
    public static String value(CharSequence s, int cap) {
        if (s != null && !needsQuotes(s) && s.length() <= cap) {
            return s.toString();
        }
        StringBuilder b = new StringBuilder(Math.min(s == null ? 2 : s.length(), cap) + 16);
        value(b, s, cap);
        return b.toString();
    }

    /** A client's text as a logfmt value, capped at {@link #CLIENT_CAP}. */
    public static String client(CharSequence s) {
        return value(s, CLIENT_CAP);
    }

    /** Appends {@code s} as a logfmt value: bare when that is unambiguous, else quoted and escaped. */
    public static StringBuilder value(StringBuilder out, CharSequence s, int cap) {
        if (s == null) {
            return out.append("\"\"");
        }
        if (s.length() <= cap && !needsQuotes(s)) {
            return out.append(s);
        }
        out.append('"');
        escape(out, s, cap, false);
        return out.append('"');
    }

    /** Appends {@code s} as a JSON string (with its quotes), valid for any input. */
    public static StringBuilder json(StringBuilder out, CharSequence s, int cap) {
        out.append('"');
        if (s != null) {
            escape(out, s, cap, true);
        }
        return out.append('"');
    }

    /**
     * {@code s} with every character that could end a line or drive a terminal escaped, and
     * nothing else changed (no quotes added): for the arguments of ordinary log lines.
     */
    public static String controls(String s, int cap) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        boolean clean = n <= cap;
        for (int i = 0; clean && i < n; i++) {
            char c = s.charAt(i);
            if (unsafe(c)) {
                clean = false;
            }
        }
        if (clean) {
            return s;
        }
        StringBuilder b = new StringBuilder(Math.min(n, cap) + 16);
        int end = Math.min(n, cap);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (unsafe(c)) {
                escapeOne(b, c, false);
            } else {
                b.append(c);
            }
        }
        if (n > end) {
            b.append("...(").append(n - end).append(" more chars)");
        }
        return b.toString();
    }

    /** Whether a logfmt value must be quoted: empty, or any character that is not a visible one other than {@code " \ =}. */
    static boolean needsQuotes(CharSequence s) {
        int n = s.length();
        if (n == 0) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '"' || c == '\\' || c == '=' || c >= 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static void escape(StringBuilder out, CharSequence s, int cap, boolean json) {
        int n = s.length();
        int end = Math.min(n, cap);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
                continue;
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (unsafe(c)) {
                        escapeOne(out, c, json);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (n > end) {
            out.append("...(").append(n - end).append(" more chars)");
        }
    }

    /**
     * C0 and C1 controls, DEL, the line and paragraph separators, the bidirectional overrides
     * that reorder what a reader sees, the BOM, and lone surrogates (which no UTF-8 can carry).
     */
    static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff || Character.isSurrogate(c);
    }

    private static void escapeOne(StringBuilder out, char c, boolean json) {
        if (Character.isSurrogate(c)) {
            // A lone surrogate is not text: say so rather than write a sequence no decoder accepts.
            out.append("\\ufffd");
        } else if (c < 0x80 && !json) {
            out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        } else {
            out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
        }
    }
}
