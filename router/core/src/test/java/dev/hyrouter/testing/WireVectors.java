package dev.hyrouter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** {@code shared/testdata/wire-vectors.json}, parsed. */
public final class WireVectors {
    private static final HexFormat HEX = HexFormat.of();
    private final Map<String, Object> root;

    private WireVectors(Map<String, Object> root) {
        this.root = root;
    }

    @SuppressWarnings("unchecked")
    public static WireVectors load() {
        try {
            String text = Files.readString(SharedFixtures.wireVectors(), StandardCharsets.UTF_8);
            return new WireVectors((Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SharedFixtures.wireVectors(), e);
        }
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
