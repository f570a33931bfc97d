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

    PluginStats(String name) {
        this.name = name;
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

    /** Connections shed because the plugin was overloaded. */
    public long shed() {
        return shed.sum();
    }

    @Override
    public String toString() {
        return name + "[calls=" + calls() + ", errors=" + errors() + ", timeouts=" + timeouts() + ", denies=" + denies() + ", shed=" + shed() + "]";
    }
}
