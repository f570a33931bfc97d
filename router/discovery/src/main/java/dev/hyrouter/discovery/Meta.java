package dev.hyrouter.discovery;

import java.util.List;
import java.util.Map;

/** Backend metadata and selection rules shared by the Kubernetes and Agones providers, as the original applies them. */
final class Meta {
    static final String WEIGHT_KEY = "hyrouter/weight";

    private Meta() {
    }

    /** {@code key=value,...} annotation selector: every pair must be present and equal; empty matches everything. */
    static boolean annotationsMatch(Map<String, String> annotations, String expression) {
        String e = expression == null ? "" : expression.trim();
        if (e.isEmpty()) {
            return true;
        }
        for (String part : e.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0 || annotations == null) {
                return false;
            }
            if (!p.substring(eq + 1).trim().equals(annotations.get(p.substring(0, eq).trim()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code k8s.namespace}, {@code k8s.name}, {@code k8s.node} (each only when non-empty). */
    static void identity(Map<String, String> meta, String namespace, String name, String node) {
        putIfNotEmpty(meta, "k8s.namespace", namespace);
        putIfNotEmpty(meta, "k8s.name", name);
        putIfNotEmpty(meta, "k8s.node", node);
    }

    /** {@code label.<k>} and {@code annotation.<k>} for the configured keys that are present. */
    static void include(Map<String, String> meta, Map<String, String> labels, Map<String, String> annotations,
            List<String> includeLabels, List<String> includeAnnotations) {
        for (String k : includeLabels) {
            if (labels != null && labels.containsKey(k)) {
                meta.put("label." + k, labels.get(k));
            }
        }
        for (String k : includeAnnotations) {
            if (annotations != null && annotations.containsKey(k)) {
                meta.put("annotation." + k, annotations.get(k));
            }
        }
    }

    /** A positive integer from {@code hyrouter/weight}, the annotation before the label; 0 when neither has one. */
    static int weight(Map<String, String> labels, Map<String, String> annotations) {
        int w = positiveInt(annotations == null ? null : annotations.get(WEIGHT_KEY));
        return w > 0 ? w : positiveInt(labels == null ? null : labels.get(WEIGHT_KEY));
    }

    static int positiveInt(String v) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            return Math.max(n, 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A JSON array of strings with Go's {@code encoding/json} escaping (HTML-safe), as the original writes list values. */
    static String goJsonStrings(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"');
            String s = values.get(i);
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '<', '>', '&', '\u2028', '\u2029' -> b.append(String.format("\\u%04x", (int) c));
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
        return b.append(']').toString();
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Map<String, Object> settings, String key) {
        Object v = settings == null ? null : settings.get(key);
        return v instanceof List ? (List<String>) v : List.of();
    }

    static String string(Map<String, Object> settings, String key) {
        Object v = settings == null ? null : settings.get(key);
        return v == null ? "" : v.toString().trim();
    }

    static int integer(Map<String, Object> settings, String key) {
        Object v = settings == null ? null : settings.get(key);
        return v instanceof Number n ? n.intValue() : 0;
    }

    static boolean bool(Map<String, Object> settings, String key) {
        return Boolean.TRUE.equals(settings == null ? null : settings.get(key));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> settings, String key) {
        Object v = settings == null ? null : settings.get(key);
        return v instanceof Map ? (Map<String, Object>) v : Map.of();
    }

    private static void putIfNotEmpty(Map<String, String> meta, String key, String value) {
        if (value != null && !value.isEmpty()) {
            meta.put(key, value);
        }
    }
}
