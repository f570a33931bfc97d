package dev.hyrouter.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code discovery} with the original's rules (names, types, selectors,
 * address source, durations). Settings are checked against the original's key schema, so a typo
 * is reported, and kept as a plain tree for the providers.
 */
final class DiscoverySection {
    private static final String STR = "string";
    private static final String INT = "int";
    private static final String BOOL = "bool";
    private static final String STRS = "list of strings";

    private static final Map<String, Object> SELECTOR = schema("labels", STR, "annotations", STR);
    private static final Map<String, Object> METADATA = schema("include_labels", STRS, "include_annotations", STRS);
    private static final Map<String, Object> PORT = schema("name", STR, "number", INT, "container_port", INT);
    private static final Map<String, Object> KUBERNETES = schema(
            "kubeconfig", STR,
            "namespaces", STRS,
            "resources", List.of(schema(
                    "kind", STR,
                    "service", schema("name", STR, "namespace", STR),
                    "selector", SELECTOR,
                    "port", PORT)),
            "filters", schema("require_pod_ready", BOOL, "require_pod_phase", STRS, "require_endpoint_ready", BOOL),
            "metadata", METADATA);
    private static final Map<String, Object> AGONES = schema(
            "kubeconfig", STR,
            "namespaces", STRS,
            "mode", STR,
            "allocate_min_interval", STR,
            "state", STRS,
            "selector", SELECTOR,
            "metadata", METADATA,
            "address", schema("source", STR, "preference", STRS),
            "port", PORT,
            // Ours: how long one allocation may take, the wait for its throttle slot included.
            "allocate_timeout", STR);
    /** Ours: backends from a YAML or JSON file, watched for changes. */
    private static final Map<String, Object> FILE = schema("path", STR);

    // Kubernetes label selector syntax: key (optionally prefixed), values, and the set forms.
    private static final String KEY = "([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?";
    private static final String VALUE = "([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?";
    private static final Pattern REQUIREMENT = Pattern.compile(
            "\\s*(!?\\s*" + KEY + "|" + KEY + "\\s*(=|==|!=)\\s*" + VALUE + "|" + KEY + "\\s+(in|notin)\\s*\\(\\s*"
                    + VALUE + "(\\s*,\\s*" + VALUE + ")*\\s*\\))\\s*");

    private DiscoverySection() {
    }

    private static Map<String, Object> schema(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static DiscoveryConfig read(ConfigMapping d) throws ConfigException {
        List<DiscoveryConfig.Provider> providers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode pn : d.sequence("providers")) {
            ConfigMapping p = pn.mapping();
            String name = p.string("name");
            String type = p.string("type").trim().toLowerCase(Locale.ROOT);
            ConfigNode k8s = p.get("kubernetes");
            ConfigNode agones = p.get("agones");
            ConfigNode file = p.get("file");
            Map<String, Object> kSettings = k8s == null || k8s.isNull() ? null : convert(k8s, KUBERNETES);
            Map<String, Object> aSettings = agones == null || agones.isNull() ? null : convert(agones, AGONES);
            Map<String, Object> fSettings = file == null || file.isNull() ? null : convert(file, FILE);
            p.finish();
            if (name.isEmpty()) {
                throw pn.error("name must not be empty");
            }
            if (!names.add(name)) {
                throw pn.error("name \"" + name + "\" must be unique");
            }
            Map<String, Object> settings;
            switch (type) {
                case "kubernetes":
                    if (kSettings == null) {
                        throw pn.error("kubernetes must be set");
                    }
                    settings = kSettings;
                    List<ConfigNode> resources = k8s.mapping().sequence("resources");
                    for (ConfigNode rn : resources) {
                        ConfigNode sel = rn.mapping().get("selector");
                        if (sel != null && !sel.isNull()) {
                            checkSelector(sel);
                        }
                    }
                    break;
                case "agones":
                    if (aSettings == null) {
                        throw pn.error("agones must be set");
                    }
                    settings = aSettings;
                    ConfigMapping am = agones.mapping();
                    ConfigNode sel = am.get("selector");
                    if (sel != null && !sel.isNull()) {
                        checkSelector(sel);
                    }
                    ConfigNode address = am.get("address");
                    if (address != null && !address.isNull()) {
                        ConfigNode src = address.mapping().get("source");
                        String s = src == null ? "" : src.string().trim().toLowerCase(Locale.ROOT);
                        if (!s.isEmpty() && !s.equals("address") && !s.equals("addresses")) {
                            throw src.error("must be one of: address, addresses");
                        }
                    }
                    // The original accepts any duration here; zero or negative means no throttle.
                    parseDuration(am.get("allocate_min_interval"));
                    checkDuration(am.get("allocate_timeout"), true);
                    ConfigNode mode = am.get("mode");
                    String m = mode == null ? "" : mode.string().trim().toLowerCase(Locale.ROOT);
                    if (!m.isEmpty() && !m.equals("observe") && !m.equals("allocate")) {
                        throw mode.error("must be one of: observe, allocate");
                    }
                    break;
                case "file":
                    if (fSettings == null) {
                        throw pn.error("file must be set");
                    }
                    ConfigNode path = file.mapping().get("path");
                    if (path == null || path.string().trim().isEmpty()) {
                        throw (path == null ? file : path).error("path must be set (a YAML or JSON file of backends)");
                    }
                    settings = fSettings;
                    break;
                default:
                    throw (p.get("type") == null ? pn : p.get("type")).error("type must be one of: kubernetes, agones, file");
            }
            providers.add(new DiscoveryConfig.Provider(name, type, settings, pn.context().file, pn.line()));
        }
        java.time.Duration sync = checkDuration(d.get("sync_timeout"), false);
        if (sync == null) {
            sync = DiscoveryConfig.DEFAULT_SYNC_TIMEOUT;
        }
        d.finish();
        return new DiscoveryConfig(List.copyOf(providers), sync);
    }

    private static java.time.Duration parseDuration(ConfigNode node) throws ConfigException {
        if (node == null || node.string().trim().isEmpty()) {
            return null;
        }
        try {
            return GoDuration.parse(node.string().trim());
        } catch (IllegalArgumentException e) {
            throw node.error("is invalid: " + e.getMessage());
        }
    }

    /** The duration, or {@code null} when unset; refused when negative (or zero, with {@code positive}). */
    private static java.time.Duration checkDuration(ConfigNode node, boolean positive) throws ConfigException {
        java.time.Duration d = parseDuration(node);
        if (d != null && (d.isNegative() || (positive && d.isZero()))) {
            throw node.error(positive ? "must be a positive duration" : "must not be negative");
        }
        return d;
    }

    private static void checkSelector(ConfigNode sel) throws ConfigException {
        ConfigMapping s = sel.mapping();
        ConfigNode labels = s.get("labels");
        if (labels != null && !labels.string().trim().isEmpty()) {
            for (String req : dev.hyrouter.discovery.selector.LabelSelector.requirements(labels.string().trim())) {
                if (!REQUIREMENT.matcher(req).matches()) {
                    throw labels.error("is invalid: \"" + req.trim() + "\" is not a label selector requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))");
                }
            }
        }
        ConfigNode ann = s.get("annotations");
        if (ann != null) {
            for (String token : ann.string().trim().split(",")) {
                String t = token.trim();
                if (t.isEmpty()) {
                    continue;
                }
                int eq = t.indexOf('=');
                if (eq < 0 || t.substring(0, eq).trim().isEmpty() || t.substring(eq + 1).trim().isEmpty()) {
                    throw ann.error("is invalid: invalid selector token \"" + t + "\" (expected key=value)");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> convert(ConfigNode node, Map<String, Object> schema) throws ConfigException {
        ConfigMapping m = node.mapping();
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : schema.entrySet()) {
            ConfigNode child = m.get(e.getKey());
            if (child == null || child.isNull()) {
                continue;
            }
            Object type = e.getValue();
            Object value;
            if (type == STR) {
                value = child.string();
            } else if (type == INT) {
                value = child.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
            } else if (type == BOOL) {
                value = child.bool();
            } else if (type == STRS) {
                value = List.copyOf(child.stringList());
            } else if (type instanceof Map) {
                value = convert(child, (Map<String, Object>) type);
            } else {
                Map<String, Object> itemSchema = (Map<String, Object>) ((List<Object>) type).get(0);
                List<Object> items = new ArrayList<>();
                for (ConfigNode item : child.sequence()) {
                    items.add(convert(item, itemSchema));
                }
                value = List.copyOf(items);
            }
            out.put(e.getKey(), value);
        }
        m.finish();
        return out;
    }
}
