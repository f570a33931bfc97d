package dev.hyrouter.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A mapping of the config tree that remembers which keys the loader read, so that
 * {@link #finish()} can report every other key as a warning with its line: the original
 * silently ignores unknown keys, and a typo must not silently drop a route.
 *
 * <p>YAML keys match exactly and duplicates are an error (as in the original's YAML decoder);
 * JSON keys match case-insensitively and the last duplicate wins (as Go's {@code encoding/json}).
 * {@code <<} merge keys are honoured.
 */
final class ConfigMapping {
    private final ConfigNode owner;
    private final Map<String, ConfigNode> values = new LinkedHashMap<>();
    private final Map<String, Integer> keyLines = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    ConfigMapping(ConfigNode owner, List<NodeTuple> tuples) throws ConfigException {
        this.owner = owner;
        ParseContext ctx = owner.context();
        List<NodeTuple> merged = new ArrayList<>();
        for (NodeTuple t : tuples) {
            if (t.getKeyNode() instanceof ScalarNode && "<<".equals(((ScalarNode) t.getKeyNode()).getValue())) {
                for (NodeTuple m : ConfigNode.tuples(t.getValueNode())) {
                    if (!containsKey(tuples, keyText(m.getKeyNode()))) {
                        merged.add(m);
                    }
                }
            } else {
                merged.add(t);
            }
        }
        for (NodeTuple t : merged) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode)) {
                throw ctx.error(line(k), owner.path(), "keys must be plain strings");
            }
            String key = ((ScalarNode) k).getValue();
            String lookup = ctx.json ? key.toLowerCase(Locale.ROOT) : key;
            String childPath = owner.path().isEmpty() ? key : owner.path() + "." + key;
            if (values.containsKey(lookup)) {
                if (!ctx.json) {
                    throw ctx.error(line(k), childPath, "key is defined twice in the same mapping (first at line " + keyLines.get(lookup) + ")");
                }
                ctx.warn(line(k), childPath, "key is defined twice; the last value wins");
            }
            values.put(lookup, new ConfigNode(t.getValueNode(), childPath, ctx));
            keyLines.put(lookup, line(k));
        }
    }

    private static boolean containsKey(List<NodeTuple> tuples, String key) {
        for (NodeTuple t : tuples) {
            if (key.equals(keyText(t.getKeyNode()))) {
                return true;
            }
        }
        return false;
    }

    private static String keyText(Node n) {
        return n instanceof ScalarNode ? ((ScalarNode) n).getValue() : "";
    }

    private static int line(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private String lookup(String key) {
        return owner.context().json ? key.toLowerCase(Locale.ROOT) : key;
    }

    /** The value under {@code key}, or {@code null} when absent. Marks the key as known. */
    ConfigNode get(String key) {
        String k = lookup(key);
        read.add(k);
        return values.get(k);
    }

    /** Whether {@code key} is present with a non-null value. Marks the key as known. */
    boolean has(String key) {
        ConfigNode n = get(key);
        return n != null && !n.isNull();
    }

    /** Every key, in file order (for maps with free-form keys, which are all known). */
    List<String> keys() {
        List<String> out = new ArrayList<>(values.keySet());
        read.addAll(out);
        return out;
    }

    ConfigNode node() {
        return owner;
    }

    String string(String key) throws ConfigException {
        ConfigNode n = get(key);
        return n == null ? "" : n.string();
    }

    String string(String key, String fallback) throws ConfigException {
        ConfigNode n = get(key);
        return n == null ? fallback : n.string();
    }

    long integer(String key, long min, long max, long fallback) throws ConfigException {
        ConfigNode n = get(key);
        return n == null ? fallback : n.integer(min, max);
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        ConfigNode n = get(key);
        return n == null ? fallback : n.bool();
    }

    List<String> stringList(String key) throws ConfigException {
        ConfigNode n = get(key);
        return n == null ? List.of() : n.stringList();
    }

    ConfigMapping mapping(String key) throws ConfigException {
        ConfigNode n = get(key);
        if (n == null) {
            return null;
        }
        return n.mapping();
    }

    List<ConfigNode> sequence(String key) throws ConfigException {
        ConfigNode n = get(key);
        return n == null ? List.of() : n.sequence();
    }

    /** Reports every key that was never read as an unknown key. */
    void finish() {
        for (Map.Entry<String, ConfigNode> e : values.entrySet()) {
            if (!read.contains(e.getKey())) {
                ConfigNode n = e.getValue();
                owner.context().warn(keyLines.get(e.getKey()), n.path(), "unknown key, ignored (check its spelling and indentation)");
            }
        }
    }
}
