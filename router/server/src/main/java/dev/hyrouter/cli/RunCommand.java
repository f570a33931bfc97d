package dev.hyrouter.cli;

import dev.hyrouter.config.ConfigException;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.ConfigWarning;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.server.RouterServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the router until SIGINT/SIGTERM. */
final class RunCommand {
    static final int KEEP_RUNNING = -1;
    private static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter");

    private RunCommand() {
    }

    static int run(List<String> args, PrintStream err) throws Args.UsageException {
        Args a = Args.parse(args, Set.of("config", "log-level"));
        if (!a.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument: " + a.positional().get(0));
        }
        Logging.setLevel(a.get("log-level", "info"));
        String file = a.get("config", "config.yaml");
        RouterConfig config;
        try {
            config = ConfigLoader.load(Path.of(file));
        } catch (ConfigException e) {
            LOG.error("hyrouter failed: invalid config: {}", e.getMessage());
            return 1;
        }
        for (ConfigWarning w : config.warnings()) {
            LOG.warn("config: {}", w);
        }
        RouterServer server;
        try {
            server = RouterServer.start(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            LOG.error("hyrouter failed to start on {}: {}", config.listen(), describe(e));
            return 1;
        }
        LOG.info("hyrouter running with {} ({} route(s), default pool {}, {} plugin(s))", file, config.routing().routes().size(),
                config.routing().defaultPool() == null ? "none" : "set", config.plugins().size());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down: {}", server.stats());
            server.close();
        }, "hyrouter-shutdown"));
        return KEEP_RUNNING;
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            if (c.getMessage() != null && !b.toString().contains(c.getMessage())) {
                b.append(": ").append(c.getMessage());
            }
        }
        return b.toString();
    }
}
