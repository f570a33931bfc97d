package dev.hyrouter.testing;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The wire vectors ({@code fixtures/wire-vectors.json}: frames, payloads and envelopes with their bytes), parsed. */
public final class WireVectors {
    private static final HexFormat HEX = HexFormat.of();
    private final Map<String, Object> root;

    private WireVectors(Map<String, Object> root) {
        this.root = root;
    }

    @SuppressWarnings("unchecked")
    public static WireVectors load() {
        String text = Fixtures.text("wire-vectors.json");
        return new WireVectors((Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text));
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> section(String name) {
        List<Map<String, Object>> list = (List<Map<String, Object>>) root.get(name);
        if (list == null || list.isEmpty()) {
            throw new IllegalStateException("wire-vectors.json has no section " + name);
        }
        return list;
    }

    public static byte[] hex(Object text) {
        return HEX.parseHex(text == null ? "" : text.toString());
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
