package dev.hyrouter.config;

/**
 * {@code limits} (keys of ours; the original has none): what one source, or everyone together,
 * may take, and when the router makes new clients prove their address with a QUIC Retry. A
 * reload replaces them for the next connection. {@code 0} turns a limit off.
 *
 * @param maxConnections          live connections at once, all sources (default 50,000); enforced per event
 *                                loop as its even share, so loops keep no shared counter
 * @param maxConnectionsPerIp     live connections at once from one IPv4 address or IPv6 /64 (default 256)
 * @param newConnectionsPerIp     new connections per second from one source, sustained (default 100)
 * @param newConnectionsPerIpBurst how many new connections one source may open at once above that rate (default 400)
 * @param retry                   when to answer a new client with a Retry (default {@link RetryMode#AUTO})
 * @param retryThreshold          for {@code auto}: new connections per second above which Retry is on;
 *                                {@code 0} = {@value #DEFAULT_RETRY_THRESHOLD_PER_LOOP} per event loop (default)
 * @param maxHandshakesInProgress TLS handshakes under way at once, all sources (default 2,048), enforced per
 *                                event loop as its even share: a bound on the work and memory a rush can queue
 * @param handshakeQueueTarget    admission by queueing delay (default 500 ms): while the fastest of an event
 *                                loop's recent handshakes took longer than this, the loop has a standing queue
 *                                and refuses new connections statelessly ("server busy") until it drains;
 *                                {@link java.time.Duration#ZERO} = off
 */
public record LimitsConfig(int maxConnections, int maxConnectionsPerIp, int newConnectionsPerIp, int newConnectionsPerIpBurst,
        RetryMode retry, int retryThreshold, int maxHandshakesInProgress, java.time.Duration handshakeQueueTarget) {
    public static final int DEFAULT_MAX_HANDSHAKES_IN_PROGRESS = 2_048;
    public static final java.time.Duration DEFAULT_HANDSHAKE_QUEUE_TARGET = java.time.Duration.ofMillis(500);

    /** The limits without the overload keys (their defaults). */
    public LimitsConfig(int maxConnections, int maxConnectionsPerIp, int newConnectionsPerIp, int newConnectionsPerIpBurst,
            RetryMode retry, int retryThreshold) {
        this(maxConnections, maxConnectionsPerIp, newConnectionsPerIp, newConnectionsPerIpBurst, retry, retryThreshold,
                DEFAULT_MAX_HANDSHAKES_IN_PROGRESS, DEFAULT_HANDSHAKE_QUEUE_TARGET);
    }

    public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 256;
    public static final int DEFAULT_NEW_CONNECTIONS_PER_IP = 100;
    public static final int DEFAULT_NEW_CONNECTIONS_PER_IP_BURST = 400;
    public static final int DEFAULT_RETRY_THRESHOLD_PER_LOOP = 1_000;

    public static final LimitsConfig DEFAULTS = new LimitsConfig(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP,
            DEFAULT_NEW_CONNECTIONS_PER_IP, DEFAULT_NEW_CONNECTIONS_PER_IP_BURST, RetryMode.AUTO, 0);

    /** {@code limits.retry}. */
    public enum RetryMode {
        /** Never: every new client costs a connection's state at once (the original's behaviour). */
        NEVER,
        /** Always: one more round trip per session; no state before the client proved its address. */
        ALWAYS,
        /** Only while new connections arrive faster than the threshold: normal traffic pays nothing. */
        AUTO
    }

    /** The {@code auto} threshold for a router with {@code eventLoops} loops. */
    public int retryThreshold(int eventLoops) {
        return retryThreshold > 0 ? retryThreshold : DEFAULT_RETRY_THRESHOLD_PER_LOOP * Math.max(1, eventLoops);
    }
}
