package dev.hyrouter.plugin;

import dev.hyrouter.routing.Backend;
import java.util.List;

/**
 * State after all plugins ran: denied with a reason, shed (a plugin was overloaded), or the
 * backend (possibly with an empty host) and referral content to use. Immutable.
 */
public record ChainResult(
        boolean shed,
        boolean denied,
        String denyReason,
        String strategy,
        List<Backend> candidates,
        int selectedIndex,
        Backend backend,
        byte[] referralContent,
        FailureKind unavailable) {

    public ChainResult(boolean shed, boolean denied, String denyReason, String strategy, List<Backend> candidates,
            int selectedIndex, Backend backend, byte[] referralContent) {
        this(shed, denied, denyReason, strategy, candidates, selectedIndex, backend, referralContent, null);
    }

    /** A plugin with {@code failure_mode: closed} could not decide: the connection is refused. */
    public boolean failedClosed() {
        return unavailable != null;
    }
}
