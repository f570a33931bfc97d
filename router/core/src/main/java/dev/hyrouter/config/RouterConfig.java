package dev.hyrouter.config;

import java.util.List;

/**
 * A loaded and validated router configuration: the Go original's keys plus our optional
 * additions. Immutable. Built by {@link ConfigLoader}.
 *
 * @param source    the file it was read from, for messages
 * @param referral  {@code null} when the file has no {@code referral} section
 * @param discovery {@code null} when the file has no {@code discovery} section
 * @param plugins   in config order (see {@code PluginOrder} for the run order)
 * @param limits    {@code limits} and the Retry policy (defaults when absent)
 * @param healthChecks the top-level {@code health_checks} (each pool holds its resolved copy)
 * @param warnings  what the loader accepted but an operator should read
 */
public record RouterConfig(
        String source,
        String listen,
        TlsConfig tls,
        QuicConfig quic,
        RoutingConfig routing,
        ReferralConfig referral,
        List<PluginConfig> plugins,
        DiscoveryConfig discovery,
        MessagesConfig messages,
        LoggingConfig logging,
        OperationsConfig operations,
        LimitsConfig limits,
        HealthCheckConfig healthChecks,
        List<ConfigWarning> warnings) {
}
