package dev.hyrouter.plugin;

/**
 * Where a plugin runtime reports its own figures at scrape time (instances, recycling, channels,
 * breaker state), beside the counters the chain keeps for every plugin. Names follow Prometheus
 * conventions without the {@code _total} suffix of counters; label values come in name/value pairs.
 */
public interface PluginMetrics {
    void counter(String name, String help, long value, String... labelPairs);

    void gauge(String name, String help, double value, String... labelPairs);
}
