package dev.hyrouter.loadtest.simulations;

import dev.hyrouter.loadtest.gatling.HytaleProtocol;
import dev.hyrouter.loadtest.gatling.SessionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The knobs every simulation reads from system properties ({@code loadtest/run.sh} sets them). */
final class LoadSettings {
    private LoadSettings() {
    }

    static String target() {
        return System.getProperty("hyrouter.target", "127.0.0.1:5520");
    }

    static String sni() {
        return System.getProperty("hyrouter.sni", "play.localhost");
    }

    static int intProp(String key, int def) {
        return Integer.parseInt(System.getProperty(key, String.valueOf(def)));
    }

    static double doubleProp(String key, double def) {
        return Double.parseDouble(System.getProperty(key, String.valueOf(def)));
    }

    static HytaleProtocol protocol() {
        return HytaleProtocol.target(target(), intProp("hyrouter.clientThreads", 1), Duration.ofSeconds(intProp("hyrouter.timeoutSeconds", 10)));
    }

    /** An endless feeder of players: a username (at most 16 bytes) and a random UUID per session. */
    static Iterator<Map<String, Object>> players() {
        AtomicLong n = new AtomicLong();
        Supplier<Map<String, Object>> next = () -> Map.of("user", "p" + Long.toString(n.incrementAndGet() % 1_000_000_000_000L, 36),
                "uuid", UUID.randomUUID().toString(), "sni", sni());
        return Stream.generate(next).iterator();
    }

    /** After a simulation: close the shared client and write the session log if asked for. */
    static void finish(HytaleProtocol protocol) {
        protocol.close();
        String log = System.getProperty("hyrouter.sessionLog");
        if (log != null) {
            try {
                SessionLog.writeCsv(Path.of(log));
            } catch (IOException e) {
                System.err.println("could not write the session log " + log + ": " + e);
            }
        }
    }
}
