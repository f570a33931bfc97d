package dev.hyrouter.plugin;

import java.util.concurrent.atomic.LongAdder;

/** Per-plugin counters anyone can read (metrics, tests, logs). Thread safe. */
public final class PluginStats {
    private final String name;
    final LongAdder calls = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder denies = new LongAdder();
    final LongAdder shed = new LongAdder();
    /** Call to answer, for calls that answered (a timeout or failure is counted instead). */
    final dev.hyrouter.util.LatencyRecorder latency = new dev.hyrouter.util.LatencyRecorder();

    /** Failed calls by {@link FailureKind} and what they decided: [kind][0] skipped (open), [kind][1] refused the connection. */
    private final LongAdder[][] failures = new LongAdder[FailureKind.values().length][2];

    PluginStats(String name) {
        this.name = name;
        for (LongAdder[] byDecision : failures) {
            byDecision[0] = new LongAdder();
            byDecision[1] = new LongAdder();
        }
    }

    void failure(FailureKind kind, boolean refusedConnection) {
        failures[kind.ordinal()][refusedConnection ? 1 : 0].increment();
    }

    /**
     * Failed calls of one kind that skipped the plugin ({@code refusedConnection} false: open
     * mode) or refused the connection (closed mode, or a refused call in either mode).
     */
    public long failures(FailureKind kind, boolean refusedConnection) {
        return failures[kind.ordinal()][refusedConnection ? 1 : 0].sum();
    }

    public String name() {
        return name;
    }

    public long calls() {
        return calls.sum();
    }

    /** Calls that failed (exception, failed stage), timeouts excluded. */
    public long errors() {
        return errors.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    public long denies() {
        return denies.sum();
    }

    /** How long answered calls took, call to answer (per-thread recorders, merged when read). */
    public dev.hyrouter.util.LatencyRecorder latency() {
        return latency;
    }

    /** Connections shed because the plugin was overloaded. */
    public long shed() {
        return shed.sum();
    }

    @Override
    public String toString() {
        return name + "[calls=" + calls() + ", errors=" + errors() + ", timeouts=" + timeouts() + ", denies=" + denies() + ", shed=" + shed() + "]";
    }
}
