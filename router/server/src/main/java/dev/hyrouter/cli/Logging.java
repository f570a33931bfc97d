package dev.hyrouter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Applies {@code -log-level} (debug|info|warn|error, as the original) to the logging backend, and flushes it before exit. */
final class Logging {
    private Logging() {
    }

    static void setLevel(String text) throws Args.UsageException {
        Level level;
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "debug":
                level = Level.DEBUG;
                break;
            case "info":
                level = Level.INFO;
                break;
            case "warn":
            case "warning":
                level = Level.WARN;
                break;
            case "error":
                level = Level.ERROR;
                break;
            default:
                throw new Args.UsageException("invalid log level \"" + text + "\" (debug|info|warn|error)");
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
    }

    /**
     * Stops the logging backend so the async appender writes what it still holds: the last lines
     * before an exit (the drain's summary) would otherwise die with the JVM in its queue.
     */
    static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }
}
