package dev.hyrouter.routing;

/**
 * {@code game_start_not_past}: the {@code key} meta holds the game start as epoch seconds or
 * milliseconds (values below 1e10 are seconds); empty or -1 passes, unparsable fails, otherwise
 * the backend passes while the start is still in the future.
 */
public final class GameStartNotPastFilter implements CandidateFilter {
    private static final long SECONDS_BELOW = 10_000_000_000L;
    private final String key;

    public GameStartNotPastFilter(String key) {
        this.key = key.trim();
    }

    @Override
    public boolean passes(RoutingRequest request, Backend backend, long nowMillis) {
        String raw = backend.metaValue(key).trim();
        if (raw.isEmpty()) {
            return true;
        }
        long n;
        try {
            n = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return false;
        }
        if (n == -1) {
            return true;
        }
        long ms = (n > 0 && n < SECONDS_BELOW) ? n * 1000 : n;
        return ms > nowMillis;
    }
}
