package dev.hyrouter.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One value of the parsed config tree with its key path and source line, and typed reads that
 * fail with a {@link ConfigException} naming the file, line, path and expected type. Scalars
 * convert the way the original's decoders do (YAML: plain integers and booleans; a missing or
 * null value is the zero value).
 */
final class ConfigNode {
    private static final Pattern INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)");

    private final Node node;
    private final String path;
    private final ParseContext ctx;

    ConfigNode(Node node, String path, ParseContext ctx) {
        this.node = node;
        this.path = path;
        this.ctx = ctx;
    }

    String path() {
        return path;
    }

    ParseContext context() {
        return ctx;
    }

    int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    boolean isNull() {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    ConfigException error(String rule) {
        return ctx.error(line(), path, rule);
    }

    void warn(String message) {
        ctx.warn(line(), path, message);
    }

    ConfigMapping mapping() throws ConfigException {
        if (isNull()) {
            return new ConfigMapping(this, Collections.emptyList());
        }
        if (!(node instanceof MappingNode)) {
            throw error("must be a mapping (key: value pairs), found " + kind());
        }
        return new ConfigMapping(this, ((MappingNode) node).getValue());
    }

    List<ConfigNode> sequence() throws ConfigException {
        if (isNull()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode)) {
            throw error("must be a list, found " + kind());
        }
        List<Node> items = ((SequenceNode) node).getValue();
        List<ConfigNode> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(new ConfigNode(items.get(i), path + "[" + i + "]", ctx));
        }
        return out;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    String string() throws ConfigException {
        if (isNull()) {
            return "";
        }
        if (!(node instanceof ScalarNode)) {
            throw error("must be a string, found " + kind());
        }
        return ((ScalarNode) node).getValue();
    }

    long integer(long min, long max) throws ConfigException {
        if (isNull()) {
            return 0;
        }
        if (!(node instanceof ScalarNode)) {
            throw error("must be an integer, found " + kind());
        }
        ScalarNode s = (ScalarNode) node;
        String v = s.getValue().trim();
        if ((!ctx.json && s.getScalarStyle() != ScalarStyle.PLAIN) || !INTEGER.matcher(v).matches()) {
            throw error("must be an integer, found \"" + s.getValue() + "\"");
        }
        long value;
        try {
            value = parseInteger(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("integer " + v + " is out of range");
        }
        if (value < min || value > max) {
            throw error("must be between " + min + " and " + max + ", found " + value);
        }
        return value;
    }

    private static long parseInteger(String v) {
        boolean negative = v.startsWith("-");
        String body = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
        long n;
        if (body.startsWith("0x")) {
            n = Long.parseLong(body.substring(2), 16);
        } else if (body.startsWith("0o")) {
            n = Long.parseLong(body.substring(2), 8);
        } else {
            n = Long.parseLong(body);
        }
        return negative ? -n : n;
    }

    boolean bool() throws ConfigException {
        if (isNull()) {
            return false;
        }
        if (!(node instanceof ScalarNode)) {
            throw error("must be true or false, found " + kind());
        }
        ScalarNode s = (ScalarNode) node;
        String v = s.getValue().trim().toLowerCase(Locale.ROOT);
        if (ctx.json || s.getScalarStyle() == ScalarStyle.PLAIN) {
            switch (v) {
                case "true":
                case "yes":
                case "on":
                    return true;
                case "false":
                case "no":
                case "off":
                    return false;
                default:
                    break;
            }
        }
        throw error("must be true or false, found \"" + s.getValue() + "\"");
    }

    List<String> stringList() throws ConfigException {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : sequence()) {
            out.add(item.string());
        }
        return out;
    }

    /** A mapping of scalar to scalar; {@code null} when absent/null (kept distinct from empty). */
    Map<String, String> stringMap() throws ConfigException {
        if (isNull()) {
            return null;
        }
        ConfigMapping m = mapping();
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : m.keys()) {
            out.put(key, m.get(key).string());
        }
        return out;
    }

    private String kind() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "\"" + ((ScalarNode) node).getValue() + "\"";
    }

    static List<NodeTuple> tuples(Node n) {
        return n instanceof MappingNode ? ((MappingNode) n).getValue() : List.of();
    }
}
