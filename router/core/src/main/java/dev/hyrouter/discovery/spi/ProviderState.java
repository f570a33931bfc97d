package dev.hyrouter.discovery.spi;

/**
 * A provider's state for operators.
 *
 * @param synced         whether the first full snapshot is in
 * @param backends       backends in the current snapshot (for allocate mode: allocations made)
 * @param lastSyncMillis wall-clock time of the last snapshot change or resync, 0 before the first
 * @param errors         failures so far (watch errors, unreadable files, failed allocations)
 * @param lastError      the last failure's text, {@code ""} when none
 */
public record ProviderState(String name, String type, boolean synced, int backends, long lastSyncMillis, long errors, String lastError) {
    /** One token for the stats line, e.g. {@code cluster=synced:12} or {@code fleet=unsynced:0:errors=3}. */
    public String token() {
        return name + "=" + (synced ? "synced" : "unsynced") + ":" + backends + (errors > 0 ? ":errors=" + errors : "");
    }
}
