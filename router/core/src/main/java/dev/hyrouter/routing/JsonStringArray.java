package dev.hyrouter.routing;

/**
 * Reads a JSON array of strings from metadata (whitelists, discovery lists) the way Go's
 * {@code json.Unmarshal} into {@code []string} would: anything but an array of strings (or
 * {@code null}s) is invalid and contains nothing.
 */
final class JsonStringArray {
    private final String s;
    private int i;

    private JsonStringArray(String s) {
        this.s = s;
    }

    static boolean contains(String json, String want) {
        JsonStringArray p = new JsonStringArray(json);
        try {
            return p.scan(want);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean scan(String want) {
        boolean found = false;
        ws();
        expect('[');
        ws();
        if (peek() == ']') {
            i++;
        } else {
            while (true) {
                ws();
                if (s.startsWith("null", i)) {
                    i += 4;
                } else if (want.equals(string())) {
                    found = true;
                }
                ws();
                char c = next();
                if (c == ']') {
                    break;
                }
                if (c != ',') {
                    throw new IllegalArgumentException();
                }
            }
        }
        ws();
        if (i != s.length()) {
            throw new IllegalArgumentException();
        }
        return found;
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    b.append(e);
                    break;
                case 'b':
                    b.append('\b');
                    break;
                case 'f':
                    b.append('\f');
                    break;
                case 'n':
                    b.append('\n');
                    break;
                case 'r':
                    b.append('\r');
                    break;
                case 't':
                    b.append('\t');
                    break;
                case 'u':
                    if (i + 4 > s.length()) {
                        throw new IllegalArgumentException();
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                    break;
                default:
                    throw new IllegalArgumentException();
            }
        }
    }

    private void ws() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw new IllegalArgumentException();
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException();
        }
    }
}
