package dev.hyrouter.plugin;

import dev.hyrouter.routing.Backend;
import java.util.List;

/**
 * The request a plugin receives: the event and the current routing state.
 *
 * @param candidates      {@code null} when there are none (JSON {@code null})
 * @param backend         never {@code null}; an empty host when nothing was chosen
 * @param referralContent {@code null} or empty when no content was set (omitted in JSON)
 */
public record ConnectRequest(
        ConnectEvent event,
        String strategy,
        List<Backend> candidates,
        int selectedIndex,
        Backend backend,
        byte[] referralContent) {
}
