package dev.hyrouter.testing;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One scheduler thread for a test class (plugin-chain deadlines, delayed answers), started before
 * its first test and stopped after its last:
 * {@code @RegisterExtension static final SharedTimer TIMER = new SharedTimer();}
 */
public final class SharedTimer implements BeforeAllCallback, AfterAllCallback {
    private ScheduledExecutorService timer;

    @Override
    public void beforeAll(ExtensionContext context) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-timer-" + context.getDisplayName());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        timer.shutdownNow();
    }

    public ScheduledExecutorService get() {
        if (timer == null) {
            throw new IllegalStateException("SharedTimer must be a static @RegisterExtension field");
        }
        return timer;
    }
}
