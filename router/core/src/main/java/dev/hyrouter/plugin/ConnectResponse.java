package dev.hyrouter.plugin;

import dev.hyrouter.routing.Backend;
import java.util.List;

/**
 * A plugin's answer. Every field is optional: {@code null} means "not set".
 *
 * @param referralContent set (even empty) replaces the content
 */
public record ConnectResponse(
        boolean deny,
        String denyReason,
        List<Backend> candidates,
        Integer selectedIndex,
        Backend backend,
        byte[] referralContent) {

    /** A response that changes nothing. */
    public static final ConnectResponse EMPTY = new ConnectResponse(false, null, null, null, null, null);

    public static ConnectResponse denyWith(String reason) {
        return new ConnectResponse(true, reason, null, null, null, null);
    }
}
