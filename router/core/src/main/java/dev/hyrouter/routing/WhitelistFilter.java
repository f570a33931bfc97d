package dev.hyrouter.routing;

import java.util.Locale;

/**
 * {@code whitelist}: when the backend's {@code enabled_key} meta is true/1/yes, only clients whose
 * uuid (default) or username is in the {@code list_key} meta (a JSON array of strings or a comma
 * list) pass; otherwise every client passes.
 */
public final class WhitelistFilter implements CandidateFilter {
    private final String enabledKey;
    private final String listKey;
    private final boolean byUsername;

    public WhitelistFilter(String enabledKey, String listKey, boolean byUsername) {
        this.enabledKey = enabledKey.trim();
        this.listKey = listKey.trim();
        this.byUsername = byUsername;
    }

    @Override
    public boolean passes(RoutingRequest request, Backend backend, long nowMillis) {
        String enabled = backend.metaValue(enabledKey).trim().toLowerCase(Locale.ROOT);
        if (!(enabled.equals("true") || enabled.equals("1") || enabled.equals("yes"))) {
            return true;
        }
        String raw = backend.metaValue(listKey).trim();
        if (raw.isEmpty()) {
            return false;
        }
        String want = (byUsername ? request.username() : request.uuid());
        want = want == null ? "" : want.trim();
        if (want.isEmpty()) {
            return false;
        }
        return listContains(raw, want);
    }

    static boolean listContains(String raw, String want) {
        if (raw.startsWith("[")) {
            return JsonStringArray.contains(raw, want);
        }
        int start = 0;
        while (start <= raw.length()) {
            int comma = raw.indexOf(',', start);
            int end = comma < 0 ? raw.length() : comma;
            if (raw.substring(start, end).trim().equals(want)) {
                return true;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return false;
    }
}
