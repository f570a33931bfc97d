package dev.hyrouter.plugin;

import dev.hyrouter.routing.Backend;
import java.util.List;

/**
 * A plugin's answer. Every field is optional: {@code null} means "not set".
 *
 * @param referralContent set (even empty) replaces the content
 * @param unknownFields   keys of the plugin's JSON that are not part of the contract (ignored, as the
 *                        original ignores them; {@code null} when none): for the plugin workbench
 */
public record ConnectResponse(
        boolean deny,
        String denyReason,
        List<Backend> candidates,
        Integer selectedIndex,
        Backend backend,
        byte[] referralContent,
        List<String> unknownFields) {

    public ConnectResponse(boolean deny, String denyReason, List<Backend> candidates, Integer selectedIndex, Backend backend,
            byte[] referralContent) {
        this(deny, denyReason, candidates, selectedIndex, backend, referralContent, null);
    }

    /** A response that changes nothing. */
    public static final ConnectResponse EMPTY = new ConnectResponse(false, null, null, null, null, null);

    public static ConnectResponse denyWith(String reason) {
        return new ConnectResponse(true, reason, null, null, null, null);
    }

    /** This response with {@code candidates} set: {@code EMPTY.withCandidates(list).withSelectedIndex(1)}. */
    public ConnectResponse withCandidates(List<Backend> v) {
        return new ConnectResponse(deny, denyReason, v, selectedIndex, backend, referralContent);
    }

    public ConnectResponse withSelectedIndex(Integer v) {
        return new ConnectResponse(deny, denyReason, candidates, v, backend, referralContent);
    }

    public ConnectResponse withBackend(Backend v) {
        return new ConnectResponse(deny, denyReason, candidates, selectedIndex, v, referralContent);
    }

    public ConnectResponse withReferralContent(byte[] v) {
        return new ConnectResponse(deny, denyReason, candidates, selectedIndex, backend, v);
    }
}
