package dev.hyrouter.config;

import java.time.Duration;

/**
 * Keys of ours for running the router in production (the original has none of them).
 *
 * @param adminListen   {@code admin.listen}: the HTTP admin listener ({@code /metrics}, {@code /healthz},
 *                      {@code /readyz}, {@code POST /-/reload}), e.g. {@code 127.0.0.1:9520}; {@code ""} = off (default)
 * @param drainTimeout  {@code shutdown.drain_timeout}: on SIGTERM, how long connections in flight may take
 *                      to finish before the router exits (default 10 s)
 */
public record OperationsConfig(String adminListen, Duration drainTimeout) {
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
}
