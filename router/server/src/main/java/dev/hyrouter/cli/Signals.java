package dev.hyrouter.cli;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start the graceful shutdown; SIGHUP reloads the config. Handled with the
 * JDK's signal API (module jdk.unsupported) rather than a shutdown hook, because a hook runs with
 * the JVM already exiting with status 143 and cannot drain first. Handlers hand the work to
 * their own threads at once.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter");

    private Signals() {
    }

    static void install(Consumer<String> stop, Runnable reload) {
        for (String name : new String[] {"TERM", "INT"}) {
            handle(name, () -> stop.accept("SIG" + name));
        }
        handle("HUP", () -> {
            Thread t = new Thread(reload, "hyrouter-reload");
            t.setDaemon(true);
            t.start();
        });
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), s -> action.run());
        } catch (IllegalArgumentException e) {
            // Not available here (or reserved by the JVM's own options, e.g. -Xrs): say so, keep running.
            LOG.warn("SIG{} cannot be handled on this platform ({}); {}", name, e.getMessage(),
                    name.equals("HUP") ? "reload through POST /-/reload on the admin listener" : "the router stops without draining");
        }
    }
}
