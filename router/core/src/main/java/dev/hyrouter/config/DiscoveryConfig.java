package dev.hyrouter.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code discovery}: provider definitions, validated with the original's rules. Their settings
 * are kept as the parsed tree (maps, lists, strings) for the provider implementations.
 *
 * @param syncTimeout {@code discovery.sync_timeout} (ours, default 30 s): how long start-up waits
 *                    for every provider's first sync before listening anyway (pools of a provider
 *                    not yet synced answer {@code discovery_error} until it is)
 */
public record DiscoveryConfig(List<Provider> providers, Duration syncTimeout) {
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(30);

    public DiscoveryConfig(List<Provider> providers) {
        this(providers, DEFAULT_SYNC_TIMEOUT);
    }

    /**
     * One provider: name, type ({@code kubernetes|agones}, or {@code file}, ours), its type's
     * settings, and the line it starts at (for messages).
     */
    public record Provider(String name, String type, Map<String, Object> settings, String source, int line) {
        public Provider(String name, String type, Map<String, Object> settings) {
            this(name, type, settings, "", 0);
        }

        /** {@code file:line} of the provider's definition, for an operator's message. */
        public String where() {
            return source + ":" + line;
        }
    }
}
