package dev.hyrouter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Figures of a long test run for a committed report: with {@code -Dhyrouter.faultReport=PATH},
 * rows of one Markdown table are appended to PATH (the header written when the file is new);
 * without it nothing is written. The tests assert; this only records what the run measured.
 */
public final class RunReport {
    private RunReport() {
    }

    /** @param header the table's header and separator lines, each ending in a newline */
    public static void appendRow(String header, String row) throws IOException {
        String path = System.getProperty("hyrouter.faultReport");
        if (path == null) {
            return;
        }
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            Files.writeString(p, header, StandardCharsets.UTF_8);
        }
        Files.writeString(p, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
