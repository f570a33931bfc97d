package dev.hyrouter.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects Netty's buffer-leak reports (logged at ERROR by {@code io.netty.util.ResourceLeakDetector}
 * with a message starting {@code LEAK:}) so {@link LeakCheck} can fail the test that leaked.
 * Attached in each module's {@code logback-test.xml}.
 */
public final class LeakLogAppender extends AppenderBase<ILoggingEvent> {
    private static final List<String> LEAKS = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.startsWith("LEAK:")) {
            synchronized (LEAKS) {
                LEAKS.add(message);
            }
        }
    }

    /** The leak reports since the last call, removed. */
    static List<String> drain() {
        synchronized (LEAKS) {
            List<String> out = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return out;
        }
    }
}
