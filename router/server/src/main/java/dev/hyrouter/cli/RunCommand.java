package dev.hyrouter.cli;

import dev.hyrouter.config.ConfigException;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.ConfigWarning;
import dev.hyrouter.config.RouterConfig;
import dev.hyrouter.server.RouterServer;
import dev.hyrouter.server.admin.AdminServer;
import dev.hyrouter.server.admin.RouterMetrics;
import dev.hyrouter.server.quic.ListenAddress;
import dev.hyrouter.server.quic.QuicIntake;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.time.Duration;
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
        boolean noCleaner = PlatformDependent.useDirectBufferNoCleaner();
        String buffers = DirectBuffers.describe(noCleaner, System.getProperty(DirectBuffers.PROPERTY));
        if (noCleaner) {
            LOG.info(buffers);
        } else {
            LOG.warn(buffers);
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
        int warmup = config.operations().warmupSessions();
        server.starting();
        server.announceWarmup(warmup);
        AdminServer admin = null;
        String adminListen = config.operations().adminListen();
        if (!adminListen.isEmpty()) {
            try {
                admin = AdminServer.start(ListenAddress.parse(adminListen), server, RouterMetrics.registry(server));
            } catch (IOException | RuntimeException e) {
                LOG.error("hyrouter failed to start its admin listener on {} (admin.listen): {}", adminListen, describe(e));
                server.close();
                return 1;
            }
        }
        // Before the warm-up: what it compiles is what players run (BootCompilerPriority).
        BootCompilerPriority.Outcome jit = BootCompilerPriority.restore();
        if (jit != null) {
            if (jit.ok()) {
                LOG.info("JIT: {}", jit.message());
            } else {
                LOG.warn("JIT: {}", jit.message());
            }
        }
        if (warmup > 0) {
            try {
                RouterServer.WarmupResult w = server.warmUp(warmup, config.operations().warmupMaxTime());
                LOG.info("warm-up: {} session(s) against the router's own listener in {} ms{}, {} settling round(s) (warmup.sessions); ready",
                        w.sessions(), w.millis(), w.failed() == 0 ? "" : ", " + w.failed() + " failed", w.settlingRounds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.close();
                return 1;
            } catch (RuntimeException e) {
                // The warm-up is an optimisation: a router that cannot run it still serves, cold.
                LOG.warn("warm-up failed ({}); serving without it", describe(e));
            }
        }
        LOG.info("hyrouter running with {} ({} route(s), default pool {}, {} plugin(s))", file, config.routing().routes().size(),
                config.routing().defaultPool() == null ? "none" : "set", config.plugins().size());
        Shutdown shutdown = new Shutdown(server, admin, config.operations().drainTimeout());
        Signals.install(shutdown::begin, () -> {
            RouterServer.ReloadResult r = server.reload();
            if (r.ok()) {
                LOG.info("SIGHUP: {}", r.message());
            }
        });
        // Other ways the JVM stops (System.exit elsewhere, a signal we do not handle): close without draining.
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::closeNow, "hyrouter-shutdown"));
        server.started();
        return KEEP_RUNNING;
    }

    /** SIGTERM/SIGINT: drain, flush the access log, exit 0; a second signal meanwhile exits at once. */
    static final class Shutdown {
        private final RouterServer server;
        private final AdminServer admin;
        private final Duration drainTimeout;
        private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();

        Shutdown(RouterServer server, AdminServer admin, Duration drainTimeout) {
            this.server = server;
            this.admin = admin;
            this.drainTimeout = drainTimeout;
        }

        void begin(String signal) {
            if (!started.compareAndSet(false, true)) {
                LOG.warn("{} again while draining: exiting now", signal);
                Logging.flush();
                Runtime.getRuntime().halt(1);
                return;
            }
            Thread t = new Thread(() -> {
                LOG.info("{}: graceful shutdown, draining up to {} ms (shutdown.drain_timeout)", signal, drainTimeout.toMillis());
                int status = 0;
                try {
                    server.drain(drainTimeout);
                    server.intake().flushAccessLog(1_000);
                    LOG.info("stopped: {}", server.stats());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = 1;
                } catch (RuntimeException e) {
                    LOG.error("shutdown failed: {}", describe(e));
                    status = 1;
                } finally {
                    if (admin != null) {
                        admin.close();
                    }
                }
                Logging.flush();
                System.exit(status);
            }, "hyrouter-drain");
            t.start();
        }

        void closeNow() {
            if (admin != null) {
                admin.close();
            }
            server.close();
            Logging.flush();
        }
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
