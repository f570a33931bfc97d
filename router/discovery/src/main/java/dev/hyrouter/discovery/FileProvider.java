package dev.hyrouter.discovery;

import dev.hyrouter.discovery.spi.SnapshotProvider;
import dev.hyrouter.config.ConfigException;
import dev.hyrouter.config.ConfigLoader;
import dev.hyrouter.config.DiscoveryConfig;
import dev.hyrouter.routing.Backend;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: file} (ours, beyond the original): backends from a YAML or JSON file with a
 * {@code backends} list in the shape of a pool's static backends, for operators without
 * Kubernetes. One thread watches the file's folder (inotify; a ConfigMap's symlink swap is seen
 * there) and also compares the file's modification time and size every second, for file systems
 * whose events do not arrive. A file that fails to load is logged with its file, line, key and
 * rule and the previous backends keep serving; until a first good load, pools answer
 * {@code discovery_error}.
 */
final class FileProvider extends SnapshotProvider {
    private static final Logger LOG = LoggerFactory.getLogger(FileProvider.class);
    static final long POLL_MILLIS = 1_000;

    private final Path path;
    private final Thread watcher;
    private volatile boolean closed;
    private String lastSeen = "";

    /** @param path the backends file, already resolved against the config file's folder */
    FileProvider(DiscoveryConfig.Provider config, Path path) {
        super(config);
        this.path = path.normalize();
        this.watcher = new Thread(this::watch, "discovery-" + config.name());
        watcher.setDaemon(true);
    }

    Path path() {
        return path;
    }

    @Override
    public void start() {
        load();
        watcher.start();
    }

    private void watch() {
        Path dir = path.toAbsolutePath().getParent();
        WatchService ws = null;
        try {
            ws = FileSystems.getDefault().newWatchService();
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | RuntimeException e) {
            LOG.info("discovery provider {}: cannot watch {} ({}); checking the file every {} ms", name(), dir, e.getMessage(), POLL_MILLIS);
            closeQuietly(ws);
            ws = null;
        }
        try {
            while (!closed) {
                if (ws != null) {
                    var key = ws.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                        // Editors and ConfigMap updates write in several steps: let them finish.
                        Thread.sleep(50);
                    }
                } else {
                    Thread.sleep(POLL_MILLIS);
                }
                load();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(ws);
        }
    }

    /** Loads the file when its modification time or size changed since the last look. */
    private void load() {
        String seen;
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            seen = a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            seen = "missing";
        }
        if (seen.equals(lastSeen)) {
            return;
        }
        lastSeen = seen;
        try {
            List<Backend> backends = ConfigLoader.loadBackends(path);
            publish(backends);
        } catch (ConfigException e) {
            failed(e.getMessage());
            LOG.error("discovery provider {}: {}; {}", name(), e.getMessage(),
                    state().synced() ? "the previous backends keep serving" : "its pools answer discovery_error until the file loads");
        }
    }

    private static void closeQuietly(WatchService ws) {
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // closing a watch service has nothing left to report
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
    }
}
