package dev.hyrouter.config;

import dev.hyrouter.routing.CompareFilter;

/**
 * One pool filter, with only the fields of its type set ({@code ""}/{@code null} otherwise).
 */
public record FilterConfig(
        Type type,
        String left,
        CompareFilter.Op op,
        String right,
        String enabledKey,
        String listKey,
        boolean subjectUsername,
        String key) {

    /** Filter types. */
    public enum Type {
        COMPARE,
        WHITELIST,
        GAME_START_NOT_PAST
    }
}
