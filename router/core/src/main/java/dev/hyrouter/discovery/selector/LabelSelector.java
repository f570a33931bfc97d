package dev.hyrouter.discovery.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector expression ({@code app=realm,tier!=test,region in (eu,us),!canary,zone})
 * parsed once and matched against label maps, with Kubernetes' semantics: {@code !=} and
 * {@code notin} also match when the key is absent. The config loader checks the syntax when it
 * loads (splitting with {@link #requirements}); like the original, an expression that still does
 * not parse selects everything.
 */
public final class LabelSelector {
    private enum Op { EXISTS, NOT_EXISTS, EQUALS, NOT_EQUALS, IN, NOT_IN }

    private record Requirement(String key, Op op, Set<String> values) {
        public boolean matches(Map<String, String> labels) {
            String v = labels == null ? null : labels.get(key);
            return switch (op) {
                case EXISTS -> v != null;
                case NOT_EXISTS -> v == null;
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
            };
        }
    }

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    public static LabelSelector parse(String expression) {
        String e = expression == null ? "" : expression.trim();
        if (e.isEmpty()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String part : requirements(e)) {
            Requirement r = requirement(part.trim());
            if (r == null) {
                return EVERYTHING;
            }
            out.add(r);
        }
        return new LabelSelector(List.copyOf(out));
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    private static Requirement requirement(String p) {
        if (p.isEmpty()) {
            return null;
        }
        if (p.startsWith("!")) {
            String key = p.substring(1).trim();
            return key.isEmpty() || key.contains("=") ? null : new Requirement(key, Op.NOT_EXISTS, Set.of());
        }
        int ne = p.indexOf("!=");
        if (ne > 0) {
            return new Requirement(p.substring(0, ne).trim(), Op.NOT_EQUALS, Set.of(p.substring(ne + 2).trim()));
        }
        int eq = p.indexOf('=');
        if (eq > 0) {
            String value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
            return new Requirement(p.substring(0, eq).trim(), Op.EQUALS, Set.of(value));
        }
        int open = p.indexOf('(');
        if (open > 0 && p.endsWith(")")) {
            String[] head = p.substring(0, open).trim().split("\\s+");
            if (head.length != 2) {
                return null;
            }
            Op op = head[1].equals("in") ? Op.IN : head[1].equals("notin") ? Op.NOT_IN : null;
            if (op == null) {
                return null;
            }
            Set<String> values = new java.util.HashSet<>();
            for (String v : p.substring(open + 1, p.length() - 1).split(",")) {
                values.add(v.trim());
            }
            return new Requirement(head[0], op, Set.copyOf(values));
        }
        return p.contains(" ") ? null : new Requirement(p, Op.EXISTS, Set.of());
    }

    /** The comma-separated requirements of an expression, commas inside {@code in (...)} sets left alone. */
    public static List<String> requirements(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
