package dev.hyrouter.config;

/** Plugin stages, run in this order. */
public enum PluginStage {
    DENY,
    ROUTE,
    MUTATE;

    /** Parses {@code deny|route|mutate} (case-insensitive; empty = route); {@code null} when unknown. */
    public static PluginStage parse(String text) {
        String s = text == null ? "" : text.toLowerCase(java.util.Locale.ROOT);
        switch (s) {
            case "":
            case "route":
                return ROUTE;
            case "deny":
                return DENY;
            case "mutate":
                return MUTATE;
            default:
                return null;
        }
    }
}
