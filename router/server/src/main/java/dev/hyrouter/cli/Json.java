package dev.hyrouter.cli;

/** A tiny JSON object writer for the probe's one-line reports. */
final class Json {
    private final StringBuilder b = new StringBuilder("{");

    Json field(String name, String value) {
        key(name);
        if (value == null) {
            b.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    Json field(String name, long value) {
        key(name);
        b.append(value);
        return this;
    }

    Json field(String name, double value) {
        key(name);
        b.append(Double.isFinite(value) ? String.format(java.util.Locale.ROOT, "%.3f", value) : "null");
        return this;
    }

    Json field(String name, boolean value) {
        key(name);
        b.append(value);
        return this;
    }

    /** A value that is already JSON. */
    Json raw(String name, String json) {
        key(name);
        b.append(json);
        return this;
    }

    private void key(String name) {
        if (b.length() > 1) {
            b.append(',');
        }
        quote(name);
        b.append(':');
    }

    private void quote(String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    @Override
    public String toString() {
        return b + "}";
    }
}
