package dev.hyrouter.routing;

/** Load-balancing strategies; config names are case-insensitive and {@code -} equals {@code _}. */
public enum Strategy {
    ROUND_ROBIN("round_robin"),
    RANDOM("random"),
    WEIGHTED("weighted"),
    LEAST_LOADED("least_loaded"),
    P2C("p2c");

    private final String configName;

    Strategy(String configName) {
        this.configName = configName;
    }

    /** The normalised name plugins see in {@code strategy}. */
    public String configName() {
        return configName;
    }

    /** Whether the strategy needs {@code key}. */
    public boolean needsKey() {
        return this == LEAST_LOADED || this == P2C;
    }

    /** Parses a config value; {@code null} when unknown. */
    public static Strategy parse(String text) {
        String n = Names.normalize(text);
        for (Strategy s : values()) {
            if (s.configName.equals(n)) {
                return s;
            }
        }
        return null;
    }
}
