package dev.hyrouter.plugins.wasm;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A module's stdout or stderr, one router log line (debug) per line the module writes. */
final class LogLineStream extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hyrouter.plugin.wasm.output");
    private static final int MAX_LINE = 4096;
    private final String plugin;
    private final String stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LogLineStream(String plugin, String stream) {
        this.plugin = plugin;
        this.stream = stream;
    }

    @Override
    public void write(int b) {
        if (b == '\n' || line.size() >= MAX_LINE) {
            flushLine();
            if (b == '\n') {
                return;
            }
        }
        line.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    @Override
    public void flush() {
        // Lines are emitted whole; a partial line waits for its newline.
    }

    private void flushLine() {
        if (line.size() > 0 && LOG.isDebugEnabled()) {
            LOG.debug("plugin {} {}: {}", plugin, stream, line.toString(StandardCharsets.UTF_8));
        }
        line.reset();
    }
}
