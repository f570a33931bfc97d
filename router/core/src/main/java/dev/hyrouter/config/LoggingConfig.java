package dev.hyrouter.config;

/** {@code logging}: whether client addresses appear in logs (on by default, as in the original). */
public record LoggingConfig(boolean logClientIp) {
}
