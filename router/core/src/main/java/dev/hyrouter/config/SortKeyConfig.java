package dev.hyrouter.config;

/** One {@code sort} entry. */
public record SortKeyConfig(String key, boolean descending, boolean numeric) {
}
