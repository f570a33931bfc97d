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
 * @param warmupSessions {@code warmup.sessions}: sessions the router runs against its own listener over
 *                      loopback after it binds and before it reports ready, so the JIT has compiled the
 *                      serving path before the first player arrives; 0 = off (default)
 * @param warmupMaxTime {@code warmup.max_time}: the warm-up ends after this long however many ran (default 60 s)
 */
public record OperationsConfig(String adminListen, Duration drainTimeout, AdminToken adminToken, int warmupSessions,
                               Duration warmupMaxTime) {
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WARMUP_MAX_TIME = Duration.ofSeconds(60);
    /** The largest token file read. */
    static final int MAX_TOKEN_FILE_BYTES = 4096;

    public OperationsConfig(String adminListen, Duration drainTimeout) {
        this(adminListen, drainTimeout, AdminToken.NONE);
    }

    public OperationsConfig(String adminListen, Duration drainTimeout, AdminToken adminToken) {
        this(adminListen, drainTimeout, adminToken, 0, DEFAULT_WARMUP_MAX_TIME);
    }
}
