package dev.hyrouter.config;

import java.time.Duration;

/**
 * {@code logging}: whether client addresses appear in logs (on by default, as in the original),
 * and how often the router logs a line of its counters (our addition; 0 = never).
 */
public record LoggingConfig(boolean logClientIp, Duration statsInterval) {
}
