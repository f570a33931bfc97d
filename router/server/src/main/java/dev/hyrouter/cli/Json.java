package dev.hyrouter.cli;

import com.dslplatform.json.JsonWriter;
import dev.hyrouter.plugin.json.PluginJson;
import java.util.Locale;

/** A one-line JSON object for the probe's reports, on the same dsl-json writer as the plugin documents. */
final class Json {
    private final JsonWriter w = PluginJson.newWriter();
    private boolean first = true;

    Json() {
        w.writeByte(JsonWriter.OBJECT_START);
    }

    Json field(String name, String value) {
        key(name);
        if (value == null) {
            w.writeNull();
        } else {
            w.writeString(value);
        }
        return this;
    }

    Json field(String name, long value) {
        key(name);
        w.writeAscii(Long.toString(value));
        return this;
    }

    Json field(String name, double value) {
        key(name);
        w.writeAscii(Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null");
        return this;
    }

    Json field(String name, boolean value) {
        key(name);
        w.writeAscii(value ? "true" : "false");
        return this;
    }

    /** A value that is already JSON. */
    Json raw(String name, String json) {
        key(name);
        byte[] utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        w.writeRaw(utf8, 0, utf8.length);
        return this;
    }

    private void key(String name) {
        if (!first) {
            w.writeByte(JsonWriter.COMMA);
        }
        first = false;
        w.writeString(name);
        w.writeByte(JsonWriter.SEMI);
    }

    @Override
    public String toString() {
        return w.toString() + "}";
    }
}
