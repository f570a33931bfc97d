package dev.hyrouter.plugin;

import java.util.concurrent.atomic.LongAdder;

/** Per-plugin counters anyone can read (metrics, tests, logs). Thread safe. */
public final class PluginStats {
    private final String name;
    final LongAdder calls = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder denies = new LongAdder();

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

    @Override
    public String toString() {
        return name + "[calls=" + calls() + ", errors=" + errors() + ", timeouts=" + timeouts() + ", denies=" + denies() + "]";
    }
}
