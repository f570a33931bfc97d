package dev.hyrouter.discovery;

import dev.hyrouter.config.ConfigException;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.DiscoveryConfig;

/** Provider settings read through the real config loader, as the router reads them. */
final class Configs {
    private Configs() {
    }

    /** The first provider of a config whose {@code discovery:} section is {@code discoveryYaml} (indented by two). */
    static DiscoveryConfig.Provider provider(String discoveryYaml) throws ConfigException {
        String text = "discovery:\n" + discoveryYaml + "\nrouting:\n  default:\n    strategy: round_robin\n    backends:\n      - host: fallback.example\n        port: 1\n";
        DiscoveryConfig d = ConfigLoader.parse(text, "test.yaml", false).discovery();
        return d.providers().get(0);
    }
}
