package dev.hyrouter.config;

import java.time.Duration;

/**
 * {@code logging}: whether client addresses appear in logs (on by default, as in the original),
 * how often the router logs a line of its counters (our addition; 0 = never), and where the
 * per-connection access log goes (ours).
 *
 * @param accessLog {@code logging.access_log}: {@code stdout} (a text line per connection on standard output
 *                  while the log level is info or finer; the default), {@code off}, or a file path (JSON lines,
 *                  appended, whatever the log level; relative to the config file)
 */
public record LoggingConfig(boolean logClientIp, Duration statsInterval, String accessLog) {
    public static final String STDOUT = "stdout";
    public static final String OFF = "off";
}
