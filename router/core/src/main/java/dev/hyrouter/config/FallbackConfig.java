package dev.hyrouter.config;

import dev.hyrouter.routing.Strategy;
import java.util.List;

/**
 * One {@code fallback} entry: each field overrides the pool's only when set ({@code null} =
 * not set; an empty list that is set does override).
 */
public record FallbackConfig(
        Strategy strategy,
        String key,
        Integer sample,
        List<SortKeyConfig> sort,
        Integer limit,
        List<FilterConfig> filters) {
}
