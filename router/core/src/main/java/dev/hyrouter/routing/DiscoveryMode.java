package dev.hyrouter.routing;

/** How a pool combines discovered and static backends. */
public enum DiscoveryMode {
    /** Discovered backends first, then static ones (deduplicated by host:port). The default. */
    UNION,
    /** Discovered backends if there are any, else the static ones. */
    PREFER;

    /** Parses {@code union|prefer} (empty = union); {@code null} when unknown. */
    public static DiscoveryMode parse(String text) {
        String n = Names.normalize(text);
        if (n.isEmpty() || n.equals("union")) {
            return UNION;
        }
        return n.equals("prefer") ? PREFER : null;
    }
}
