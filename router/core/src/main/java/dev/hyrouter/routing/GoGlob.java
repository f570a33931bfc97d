package dev.hyrouter.routing;

/**
 * Glob matching with the semantics of Go's {@code path.Match}, which the original uses for
 * hostname patterns: {@code *} matches any run of characters other than {@code /} (dots
 * included), {@code ?} one character other than {@code /}, {@code [...]} a class with ranges and
 * {@code ^} negation, {@code \} escapes. A malformed pattern matches nothing.
 *
 * <p>Stateless; allocation-free.
 */
public final class GoGlob {
    private static final int BAD = -2;
    private static final int FAIL = -1;

    private GoGlob() {
    }

    /** Whether {@code name} matches {@code pattern}; {@code false} for a malformed pattern. */
    public static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        while (p < pattern.length()) {
            boolean star = false;
            while (p < pattern.length() && pattern.charAt(p) == '*') {
                p++;
                star = true;
            }
            int chunkEnd = chunkEnd(pattern, p);
            if (star && chunkEnd == p) {
                // A trailing star takes the rest of the name unless that holds a '/'.
                return name.indexOf('/', n) < 0;
            }
            boolean last = chunkEnd == pattern.length();
            int t = matchChunk(pattern, p, chunkEnd, name, n);
            if (t >= 0 && (t == name.length() || !last)) {
                n = t;
                p = chunkEnd;
                continue;
            }
            if (t == BAD) {
                return false;
            }
            boolean advanced = false;
            if (star) {
                for (int i = n; i < name.length() && name.charAt(i) != '/'; i++) {
                    t = matchChunk(pattern, p, chunkEnd, name, i + 1);
                    if (t >= 0) {
                        if (last && t < name.length()) {
                            continue;
                        }
                        n = t;
                        advanced = true;
                        break;
                    }
                    if (t == BAD) {
                        return false;
                    }
                }
            }
            if (!advanced) {
                return false;
            }
            p = chunkEnd;
        }
        return n == name.length();
    }

    /**
     * Why {@code pattern} is malformed, or {@code null} when it is well formed. The original
     * accepts any pattern at load time; a malformed one silently never matches, so the config
     * loader reports it as a warning.
     */
    public static String problem(String pattern) {
        int p = 0;
        while (p < pattern.length()) {
            while (p < pattern.length() && pattern.charAt(p) == '*') {
                p++;
            }
            int end = chunkEnd(pattern, p);
            if (matchChunk(pattern, p, end, "", 0) == BAD) {
                return "malformed glob pattern (unbalanced '[', bad range or trailing '\\')";
            }
            p = end;
        }
        return null;
    }

    /** True when the pattern has no glob syntax and so can only match itself. */
    public static boolean isLiteral(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static int chunkEnd(String pattern, int from) {
        boolean inRange = false;
        int i = from;
        for (; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 < pattern.length()) {
                    i++;
                }
            } else if (c == '[') {
                inRange = true;
            } else if (c == ']') {
                inRange = false;
            } else if (c == '*' && !inRange) {
                break;
            }
        }
        return i;
    }

    /**
     * Matches {@code pattern[p, end)} (no stars) at {@code name[n..]}.
     *
     * @return the index in {@code name} after the match, {@link #FAIL}, or {@link #BAD} for a
     *     malformed chunk (checked to its end even after the match has failed, as Go does)
     */
    private static int matchChunk(String pattern, int p, int end, String name, int n) {
        boolean failed = false;
        while (p < end) {
            if (!failed && n >= name.length()) {
                failed = true;
            }
            char c = pattern.charAt(p);
            if (c == '[') {
                int r = 0;
                if (!failed) {
                    r = name.codePointAt(n);
                    n += Character.charCount(r);
                }
                p++;
                boolean negated = false;
                if (p < end && pattern.charAt(p) == '^') {
                    negated = true;
                    p++;
                }
                boolean match = false;
                int ranges = 0;
                while (true) {
                    if (p < end && pattern.charAt(p) == ']' && ranges > 0) {
                        p++;
                        break;
                    }
                    long lo = escapedChar(pattern, p, end);
                    if (lo < 0) {
                        return BAD;
                    }
                    p = (int) (lo >>> 32);
                    int hi = (int) lo;
                    int loChar = hi;
                    if (pattern.charAt(p) == '-') {
                        long h = escapedChar(pattern, p + 1, end);
                        if (h < 0) {
                            return BAD;
                        }
                        p = (int) (h >>> 32);
                        hi = (int) h;
                    }
                    if (loChar <= r && r <= hi) {
                        match = true;
                    }
                    ranges++;
                }
                if (match == negated) {
                    failed = true;
                }
            } else if (c == '?') {
                if (!failed) {
                    int r = name.codePointAt(n);
                    if (r == '/') {
                        failed = true;
                    }
                    n += Character.charCount(r);
                }
                p++;
            } else {
                if (c == '\\') {
                    p++;
                    if (p >= end) {
                        return BAD;
                    }
                    c = pattern.charAt(p);
                }
                if (!failed) {
                    if (c != name.charAt(n)) {
                        failed = true;
                    }
                    n++;
                }
                p++;
            }
        }
        return failed ? FAIL : n;
    }

    /** Reads a class character at {@code p}: {@code nextIndex << 32 | codePoint}, or -1 when malformed. */
    private static long escapedChar(String pattern, int p, int end) {
        if (p >= end) {
            return -1;
        }
        char c = pattern.charAt(p);
        if (c == '-' || c == ']') {
            return -1;
        }
        if (c == '\\') {
            p++;
            if (p >= end) {
                return -1;
            }
        }
        int r = pattern.codePointAt(p);
        p += Character.charCount(r);
        if (p >= end) {
            return -1;
        }
        return ((long) p << 32) | r;
    }
}
