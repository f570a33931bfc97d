package dev.hyrouter.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kernel's table of UDP sockets ({@code /proc/net/udp} and {@code udp6}), read without sending
 * anything: whether a server's port is bound yet ({@link WarmupCurve}), and what its sockets
 * dropped ({@link OpenLoop}).
 */
final class UdpTable {
    private UdpTable() {
    }

    /**
     * The rows, split on whitespace, of every UDP socket on this machine bound to {@code port}, IPv4
     * and IPv6; none where neither table can be read (not Linux).
     */
    static List<String[]> boundTo(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        List<String[]> rows = new ArrayList<>();
        for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 1 && f[1].endsWith(hexPort)) {
                        rows.add(f);
                    }
                }
            } catch (IOException | RuntimeException noTable) {
                // No such table here (no IPv6, or not Linux): the other one decides.
            }
        }
        return rows;
    }
}
