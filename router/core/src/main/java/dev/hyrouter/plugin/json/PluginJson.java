package dev.hyrouter.plugin.json;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonReader;
import com.dslplatform.json.JsonWriter;
import com.dslplatform.json.NumberConverter;
import dev.hyrouter.plugin.ConnectEvent;
import dev.hyrouter.plugin.ConnectRequest;
import dev.hyrouter.plugin.ConnectResponse;
import dev.hyrouter.routing.Backend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plugin JSON documents (ConnectRequest, ConnectResponse) on dsl-json's reader and writer,
 * with no reflection: fields are written and read by hand so that the output is byte-for-byte
 * what Go's {@code encoding/json} produces for the original's structs (field order, omitted empty
 * fields, {@code null} for nil slices and maps, sorted map keys, padded base64 byte arrays, HTML
 * escaping) and the input is read as tolerantly as Go reads it (unknown fields ignored, field
 * names matched case-insensitively, {@code null} as absent).
 *
 * <p>Stateless; readers and writers are per call or per thread, supplied by the caller.
 */
public final class PluginJson {
    private static final DslJson<Object> DSL = new DslJson<>();
    private static final Backend NO_BACKEND = new Backend("", 0);

    private PluginJson() {
    }

    /** A writer for {@link #writeRequest}; reuse one per thread. */
    public static JsonWriter newWriter() {
        return DSL.newWriter(512);
    }

    /** A reader for the {@code read*} methods; reuse one per thread. */
    public static JsonReader<Object> newReader() {
        return DSL.newReader(new byte[0]);
    }

    // ---- ConnectRequest -------------------------------------------------------------------

    /** Writes a ConnectRequest (the writer is reset first); bytes are {@code w.getByteBuffer()[0, w.size())}. */
    public static void writeRequest(JsonWriter w, ConnectRequest r) {
        w.reset();
        w.writeAscii("{\"event\":");
        writeEvent(w, r.event());
        w.writeAscii(",\"strategy\":");
        GoJson.writeString(w, r.strategy() == null ? "" : r.strategy());
        w.writeAscii(",\"candidates\":");
        writeBackends(w, r.candidates());
        w.writeAscii(",\"selected_index\":");
        GoJson.writeLong(w, r.selectedIndex());
        w.writeAscii(",\"backend\":");
        writeBackend(w, r.backend() == null ? NO_BACKEND : r.backend());
        if (r.referralContent() != null && r.referralContent().length > 0) {
            w.writeAscii(",\"referral_content\":");
            w.writeBinary(r.referralContent());
        }
        w.writeByte(JsonWriter.OBJECT_END);
    }

    /** A ConnectRequest as a new array (tests, the SDK). */
    public static byte[] requestBytes(ConnectRequest r) {
        JsonWriter w = newWriter();
        writeRequest(w, r);
        return w.toByteArray();
    }

    private static void writeEvent(JsonWriter w, ConnectEvent e) {
        w.writeAscii("{\"sni\":");
        GoJson.writeString(w, e.sni() == null ? "" : e.sni());
        optional(w, "client_cert_fingerprint", e.clientCertFingerprint());
        optional(w, "protocol_hash", e.protocolHash());
        if (e.clientType() != 0) {
            w.writeAscii(",\"client_type\":");
            GoJson.writeLong(w, e.clientType());
        }
        optional(w, "uuid", e.uuid());
        optional(w, "username", e.username());
        optional(w, "language", e.language());
        if (e.identityTokenPresent()) {
            w.writeAscii(",\"identity_token_present\":true");
        }
        if (e.connectUndecodable()) {
            w.writeAscii(",\"connect_undecodable\":true");
        }
        w.writeByte(JsonWriter.OBJECT_END);
    }

    private static void optional(JsonWriter w, String name, String value) {
        if (value != null && !value.isEmpty()) {
            w.writeAscii(",\"");
            w.writeAscii(name);
            w.writeAscii("\":");
            GoJson.writeString(w, value);
        }
    }

    private static void writeBackends(JsonWriter w, List<Backend> list) {
        if (list == null) {
            w.writeNull();
            return;
        }
        w.writeByte(JsonWriter.ARRAY_START);
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                w.writeByte(JsonWriter.COMMA);
            }
            writeBackend(w, list.get(i));
        }
        w.writeByte(JsonWriter.ARRAY_END);
    }

    private static void writeBackend(JsonWriter w, Backend b) {
        w.writeAscii("{\"host\":");
        GoJson.writeString(w, b.host());
        w.writeAscii(",\"port\":");
        GoJson.writeLong(w, b.port());
        w.writeAscii(",\"weight\":");
        GoJson.writeLong(w, b.weight());
        w.writeAscii(",\"meta\":");
        Map<String, String> meta = b.meta();
        if (meta == null) {
            w.writeNull();
        } else {
            w.writeByte(JsonWriter.OBJECT_START);
            boolean first = true;
            // Go writes map keys sorted (byte order of UTF-8, which String order matches for the BMP).
            for (Map.Entry<String, String> e : new TreeMap<>(meta).entrySet()) {
                if (!first) {
                    w.writeByte(JsonWriter.COMMA);
                }
                first = false;
                GoJson.writeString(w, e.getKey());
                w.writeByte(JsonWriter.SEMI);
                GoJson.writeString(w, e.getValue());
            }
            w.writeByte(JsonWriter.OBJECT_END);
        }
        w.writeByte(JsonWriter.OBJECT_END);
    }

    /** Reads a ConnectRequest (plugin side, e.g. the Java SDK). */
    public static ConnectRequest readRequest(JsonReader<Object> r, byte[] bytes, int length) throws PluginJsonException {
        try {
            r.process(bytes, length);
            RequestFields f = new RequestFields();
            readObject(r, true, key -> f.read(r, key));
            end(r);
            return new ConnectRequest(f.event, f.strategy, f.candidates, f.selected, f.backend, f.content);
        } catch (IOException | RuntimeException e) {
            throw invalid(e);
        }
    }

    private static final class RequestFields {
        ConnectEvent event = new ConnectEvent("", "", "", 0, "", "", "", false);
        String strategy = "";
        List<Backend> candidates;
        int selected;
        Backend backend = NO_BACKEND;
        byte[] content;

        boolean read(JsonReader<Object> r, String key) throws IOException {
            switch (key) {
                case "event" -> event = readEvent(r);
                case "strategy" -> strategy = readString(r);
                case "candidates" -> candidates = readBackends(r);
                case "selected_index" -> selected = readInt(r);
                case "backend" -> backend = readBackend(r);
                case "referral_content" -> content = readBase64(r);
                default -> {
                    return false;
                }
            }
            return true;
        }
    }

    private static ConnectEvent readEvent(JsonReader<Object> r) throws IOException {
        EventFields f = new EventFields();
        readObject(r, false, key -> f.read(r, key));
        return new ConnectEvent(f.sni, f.fingerprint, f.hash, f.type, f.uuid, f.user, f.language, f.token, f.undecodable);
    }

    private static final class EventFields {
        String sni = "";
        String fingerprint = "";
        String hash = "";
        int type;
        String uuid = "";
        String user = "";
        String language = "";
        boolean token;
        boolean undecodable;

        boolean read(JsonReader<Object> r, String key) throws IOException {
            switch (key) {
                case "sni" -> sni = readString(r);
                case "client_cert_fingerprint" -> fingerprint = readString(r);
                case "protocol_hash" -> hash = readString(r);
                case "client_type" -> type = readInt(r);
                case "uuid" -> uuid = readString(r);
                case "username" -> user = readString(r);
                case "language" -> language = readString(r);
                case "identity_token_present" -> token = readBool(r);
                case "connect_undecodable" -> undecodable = readBool(r);
                default -> {
                    return false;
                }
            }
            return true;
        }
    }

    // ---- ConnectResponse ------------------------------------------------------------------

    /** Reads a ConnectResponse from {@code bytes[0, length)}; unknown fields are ignored. */
    public static ConnectResponse readResponse(JsonReader<Object> r, byte[] bytes, int length) throws PluginJsonException {
        try {
            r.process(bytes, length);
            ResponseFields f = new ResponseFields();
            readObject(r, true, key -> f.read(r, key));
            end(r);
            return new ConnectResponse(f.deny, f.reason, f.candidates, f.selected, f.backend, f.content,
                    f.unknown == null ? null : List.copyOf(f.unknown));
        } catch (IOException | RuntimeException e) {
            throw invalid(e);
        }
    }

    private static final class ResponseFields {
        boolean deny;
        String reason;
        List<Backend> candidates;
        Integer selected;
        Backend backend;
        byte[] content;
        /** Allocated only when a plugin sends a key outside the contract. */
        List<String> unknown;

        boolean read(JsonReader<Object> r, String key) throws IOException {
            switch (key) {
                case "deny" -> deny = readBool(r);
                case "deny_reason" -> reason = readString(r);
                case "candidates" -> candidates = readBackends(r);
                case "selected_index" -> selected = readInt(r);
                case "backend" -> backend = readBackend(r);
                case "referral_content" -> content = readBase64(r);
                default -> {
                    if (unknown == null) {
                        unknown = new java.util.ArrayList<>(2);
                    }
                    if (unknown.size() < 32) {
                        unknown.add(key);
                    }
                    return false;
                }
            }
            return true;
        }
    }

    /** Writes a ConnectResponse as Go writes the original's struct (the SDK's servers). */
    public static byte[] responseBytes(ConnectResponse resp) {
        JsonWriter w = newWriter();
        w.writeAscii(resp.deny() ? "{\"deny\":true" : "{\"deny\":false");
        if (resp.denyReason() != null && !resp.denyReason().isEmpty()) {
            w.writeAscii(",\"deny_reason\":");
            GoJson.writeString(w, resp.denyReason());
        }
        if (resp.candidates() != null && !resp.candidates().isEmpty()) {
            w.writeAscii(",\"candidates\":");
            writeBackends(w, resp.candidates());
        }
        if (resp.selectedIndex() != null) {
            w.writeAscii(",\"selected_index\":");
            GoJson.writeLong(w, resp.selectedIndex());
        }
        if (resp.backend() != null) {
            w.writeAscii(",\"backend\":");
            writeBackend(w, resp.backend());
        }
        if (resp.referralContent() != null && resp.referralContent().length > 0) {
            w.writeAscii(",\"referral_content\":");
            w.writeBinary(resp.referralContent());
        }
        w.writeByte(JsonWriter.OBJECT_END);
        return w.toByteArray();
    }

    // ---- shared pieces --------------------------------------------------------------------

    private static List<Backend> readBackends(JsonReader<Object> r) throws IOException {
        if (r.last() != '[') {
            throw r.newParseError("expecting an array of backends");
        }
        List<Backend> out = new ArrayList<>();
        if (r.getNextToken() == ']') {
            return out;
        }
        while (true) {
            if (r.wasNull()) {
                out.add(NO_BACKEND);
            } else {
                out.add(readBackend(r));
            }
            byte t = r.getNextToken();
            if (t == ']') {
                return out;
            }
            if (t != ',') {
                throw r.newParseError("expecting ',' or ']' in backends");
            }
            r.getNextToken();
        }
    }

    private static Backend readBackend(JsonReader<Object> r) throws IOException {
        BackendFields f = new BackendFields();
        readObject(r, false, key -> f.read(r, key));
        return new Backend(f.host, f.port, f.weight, f.meta);
    }

    private static final class BackendFields {
        String host = "";
        int port;
        int weight;
        Map<String, String> meta;

        boolean read(JsonReader<Object> r, String key) throws IOException {
            switch (key) {
                case "host" -> host = readString(r);
                case "port" -> port = readInt(r);
                case "weight" -> weight = readInt(r);
                case "meta" -> meta = readStringMap(r);
                default -> {
                    return false;
                }
            }
            return true;
        }
    }

    /** Reads one object field by field; a field is given to {@code fields} unless its value is null. */
    @FunctionalInterface
    private interface FieldReader {
        /** @return {@code false} when the (lowercased) key is unknown and its value must be skipped */
        boolean read(String key) throws IOException;
    }

    private static void readObject(JsonReader<Object> r, boolean documentStart, FieldReader fields) throws IOException {
        if (!(documentStart ? startObject(r) : startObjectHere(r))) {
            return;
        }
        boolean more = true;
        while (more) {
            String key = r.readKey().toLowerCase(Locale.ROOT);
            boolean advanced = false;
            if (!r.wasNull() && !fields.read(key)) {
                r.skip();
                advanced = true;
            }
            more = next(r, advanced);
        }
    }

    private static Map<String, String> readStringMap(JsonReader<Object> r) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (startObjectHere(r)) {
            boolean more = true;
            while (more) {
                String key = r.readKey();
                if (!r.wasNull()) {
                    out.put(key, readString(r));
                } else {
                    out.put(key, "");
                }
                more = next(r, false);
            }
        }
        return out;
    }

    /** At the document start: reads the first token; {@code true} when the object has fields. */
    private static boolean startObject(JsonReader<Object> r) throws IOException {
        if (r.getNextToken() != '{') {
            throw r.newParseError("expecting a JSON object");
        }
        return r.getNextToken() != '}';
    }

    /** At an object value's '{' (current token): {@code true} when it has fields. */
    private static boolean startObjectHere(JsonReader<Object> r) throws IOException {
        if (r.last() != '{') {
            throw r.newParseError("expecting an object");
        }
        return r.getNextToken() != '}';
    }

    /**
     * After a value: moves past ',' to the next key and returns {@code true}, or {@code false} at
     * '}'. {@code advanced}: the reader already stands on the separator (after {@code skip()}).
     */
    private static boolean next(JsonReader<Object> r, boolean advanced) throws IOException {
        byte t = advanced ? r.last() : r.getNextToken();
        if (t == ',') {
            r.getNextToken();
            return true;
        }
        if (t == '}') {
            return false;
        }
        throw r.newParseError("expecting ',' or '}'");
    }

    private static void end(JsonReader<Object> r) throws IOException {
        // Trailing white space is fine; anything else after the document is not JSON.
        if (r.getCurrentIndex() < r.length()) {
            for (int i = r.getCurrentIndex(); i < r.length(); i++) {
                byte b = r.read();
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    throw r.newParseError("unexpected data after the JSON document");
                }
            }
        }
    }

    private static String readString(JsonReader<Object> r) throws IOException {
        if (r.last() != '"') {
            throw r.newParseError("expecting a string");
        }
        return r.readString();
    }

    private static int readInt(JsonReader<Object> r) throws IOException {
        byte first = r.last();
        if (first != '-' && (first < '0' || first > '9')) {
            throw r.newParseError("expecting an integer");
        }
        return NumberConverter.deserializeInt(r);
    }

    private static byte[] readBase64(JsonReader<Object> r) throws IOException {
        String s = readString(r);
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw r.newParseError("expecting standard base64");
        }
    }

    private static boolean readBool(JsonReader<Object> r) throws IOException {
        if (r.wasTrue()) {
            return true;
        }
        if (r.wasFalse()) {
            return false;
        }
        throw r.newParseError("expecting true or false");
    }

    private static PluginJsonException invalid(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new PluginJsonException("invalid plugin JSON: " + (m.length() > 200 ? m.substring(0, 200) + "…" : m));
    }
}
