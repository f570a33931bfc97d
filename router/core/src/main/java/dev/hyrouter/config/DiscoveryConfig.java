package dev.hyrouter.config;

import java.util.List;
import java.util.Map;

/**
 * {@code discovery}: provider definitions, validated with the original's rules. Their settings
 * are kept as the parsed tree (maps, lists, strings) for the provider implementations.
 */
public record DiscoveryConfig(List<Provider> providers) {

    /** One provider: name, type ({@code kubernetes|agones}) and its type's settings. */
    public record Provider(String name, String type, Map<String, Object> settings) {
    }
}
