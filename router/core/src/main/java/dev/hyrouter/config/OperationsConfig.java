package dev.hyrouter.config;

import java.time.Duration;

/**
 * Keys of ours for running the router in production (the original has none of them).
 *
 * @param adminListen   {@code admin.listen}: the HTTP admin listener ({@code /metrics}, {@code /healthz},
 *                      {@code /readyz}, {@code POST /-/reload}), e.g. {@code 127.0.0.1:9520}; {@code ""} = off (default)
 * @param drainTimeout  {@code shutdown.drain_timeout}: on SIGTERM, how long connections in flight may take
 *                      to finish before the router exits (default 10 s)
 * @param adminToken    {@code admin.token_file}: the bearer token state-changing admin requests must carry;
 *                      required for them when the admin listener is not on a loopback address
 */
public record OperationsConfig(String adminListen, Duration drainTimeout, AdminToken adminToken) {
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** The largest token file read. */
    static final int MAX_TOKEN_FILE_BYTES = 4096;

    public OperationsConfig(String adminListen, Duration drainTimeout) {
        this(adminListen, drainTimeout, AdminToken.NONE);
    }
}
